// The MCP sign-in page (/oauth/consent): fill the token field from this tab's sign-in of the built-in
// page (sessionStorage, the key auth.js uses) so a signed-in user only clicks Allow.
const saved = sessionStorage.getItem("todochat.token");
const field = document.getElementById("token");
if (saved && field && !field.value) field.value = saved;
