"""Why a server refused a token, and what to do: the advice ``todochat chat`` prints on a 401.

The server's 401 message (``todochat.api.auth``, ``todochat.revocation``) says what was wrong with
the token; the client knows where the token came from. Together they name the usual cause: a token
``todochat chat`` signed itself with this machine's secret that a server started with another data
dir or secret cannot verify.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TokenSource:
    """Where the client's token came from.

    Attributes:
        minted_here: True when ``todochat chat`` signed it itself (no ``--token``).
        user: the user it was signed for (``TODOCHAT_LOCAL_USER``), when minted here.
        data_dir: the data dir whose ``jwt_secret`` signed it, when minted here.
        secret_from_env: the secret came from ``TODOCHAT_JWT_SECRET`` rather than the data dir.
    """

    minted_here: bool
    user: str = "local"
    data_dir: Path | None = None
    secret_from_env: bool = False


def refusal_advice(message: str, *, url: str, source: TokenSource) -> str:
    """The text shown when the server at ``url`` answered 401 with ``message``.

    Args:
        message: the server's error message (e.g. "The token is invalid.", "The token has expired.",
            "The token was signed out; sign in again.").
        url: the server's base URL.
        source: where the token came from.

    Returns:
        Several plain-text lines: what the server said, the likely cause, what to do.
    """
    said = message.strip() or "the token was refused"
    lines = [f"The server at {url} refused the token: {said}"]
    lowered = said.lower()
    new_token = (
        f"Print a new one where the server runs (same directory and environment as `make run` / "
        f"`todochat serve`): `.venv/bin/todochat token {source.user}`, then "
        f"`todochat chat --url {url} --token TOKEN`."
    )
    if "expired" in lowered:
        lines.append("It was valid once but its lifetime is over (TODOCHAT_JWT_TTL_MINUTES).")
        lines.append(new_token)
    elif "signed out" in lowered:
        if source.minted_here:
            lines.append(
                f"Either {source.user!r} was signed out everywhere (`todochat token revoke {source.user}`) after "
                "this token was made, or this command reads another database than the server "
                "(TODOCHAT_DATABASE_URL / TODOCHAT_DATA_DIR), so it signed an outdated token version."
            )
        else:
            lines.append("Every token of this user issued before a sign-out is refused.")
        lines.append(new_token)
    elif source.minted_here and ("invalid" in lowered or "unknown key" in lowered or "another service" in lowered):
        where = "TODOCHAT_JWT_SECRET" if source.secret_from_env else f"{source.data_dir}/jwt_secret" if source.data_dir else "this machine's secret"
        lines.append(
            f"`todochat chat` signed a token for {source.user!r} with {where}, and the server does not "
            "accept that signature: it was started with another data dir (TODOCHAT_DATA_DIR, or another "
            "working directory with its own .env) or another TODOCHAT_JWT_SECRET / TODOCHAT_JWT_ISSUER / "
            "TODOCHAT_JWT_AUDIENCE."
        )
        lines.append(
            "Run `todochat chat` with the server's settings (from the directory you ran `make run` in, "
            "with the same TODOCHAT_DATA_DIR or TODOCHAT_JWT_SECRET), or pass --token."
        )
        lines.append(new_token)
    else:
        lines.append(
            "The token was not made for this server (another secret or identity provider), is malformed, "
            "or is no longer valid."
        )
        lines.append(new_token)
    return "\n".join(lines)


__all__ = ["TokenSource", "refusal_advice"]
