// The bearer token of this browser tab: from `#token=...` or the sign-in form, kept in sessionStorage.

const TOKEN_KEY = "todochat.token";

/** Take `#token=...` from the address bar into sessionStorage, remove it from the URL; return the token. */
export function tokenFromLocation() {
  const hash = new URLSearchParams(window.location.hash.slice(1));
  const token = hash.get("token");
  if (token) {
    storeToken(token);
    hash.delete("token");
    const rest = hash.toString();
    history.replaceState(null, "", window.location.pathname + window.location.search + (rest ? `#${rest}` : ""));
  }
  const remembered = rememberedToken();
  if (!sessionStorage.getItem(TOKEN_KEY) && remembered) sessionStorage.setItem(TOKEN_KEY, remembered);
  return sessionStorage.getItem(TOKEN_KEY);
}

/** The token kept on this device by "Remember me" (localStorage), or null. */
function rememberedToken() {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null; // storage blocked
  }
}

/** True when the person chose "Remember me on this device". */
export function remembering() {
  return rememberedToken() !== null;
}

/**
 * Keep `token` for this tab (sessionStorage: gone when the tab closes); with `remember` (or when
 * the person already chose "Remember me"), also on this device (localStorage).
 */
export function storeToken(token, remember = remembering()) {
  sessionStorage.setItem(TOKEN_KEY, token.trim());
  setRemember(remember);
}

/** Turn "Remember me on this device" on (the tab's token goes to localStorage) or off. */
export function setRemember(on) {
  try {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (on && token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage blocked: the tab still works */
  }
}

/** Forget the token, in this tab and on this device. */
export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  setRemember(false);
}

/** The token's user name (JWT `sub`), for display only: the server verifies the token itself. */
export function tokenSubject(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0)));
    return String(JSON.parse(json).sub || "");
  } catch {
    return "";
  }
}

/** Revoke every token of this user on the server (sign out everywhere); false when it failed. */
export async function revokeToken(token) {
  try {
    const response = await fetch("/api/v1/me/sign-out-everywhere", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** An error the provider sign-in left in the address bar (`#signin_error=...`), removed from it. */
export function signInErrorFromLocation() {
  const hash = new URLSearchParams(window.location.hash.slice(1));
  const message = hash.get("signin_error");
  if (message) {
    hash.delete("signin_error");
    const rest = hash.toString();
    history.replaceState(null, "", window.location.pathname + window.location.search + (rest ? `#${rest}` : ""));
  }
  return message;
}

/** True when the server offers sign-in through an identity provider (`/auth/providers`). */
export async function providerSignInOffered() {
  try {
    const response = await fetch("/auth/providers");
    return response.ok && (await response.json()).oidc === true;
  } catch {
    return false;
  }
}
