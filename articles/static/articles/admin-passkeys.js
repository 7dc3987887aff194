// Passkeys in the admin (templates/admin/account/_passkey_button.html): the
// browser's WebAuthn calls between the server's begin and complete steps
// (articles/accounts/passkeys.py, on django-otp-webauthn). The server makes the
// challenge and checks the answer; this script only carries them.
// Buttons say what to do: data-passkey="register" (add a passkey, then reload),
// "sign-in" (the second factor, then on to data-next) or "confirm" (sign in
// again, then submit the form data-form). Their words come from data-* attributes,
// translated by the template.

function bytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
}

function base64url(buffer) {
  let text = "";
  new Uint8Array(buffer).forEach((byte) => {
    text += String.fromCharCode(byte);
  });
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function creationOptions(json) {
  return {
    ...json,
    challenge: bytes(json.challenge),
    user: { ...json.user, id: bytes(json.user.id) },
    excludeCredentials: (json.excludeCredentials || []).map((c) => ({ ...c, id: bytes(c.id) })),
  };
}

function requestOptions(json) {
  return {
    ...json,
    challenge: bytes(json.challenge),
    allowCredentials: (json.allowCredentials || []).map((c) => ({ ...c, id: bytes(c.id) })),
  };
}

function asJSON(credential) {
  const answer = credential.response;
  const json = {
    id: credential.id,
    rawId: base64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: { clientDataJSON: base64url(answer.clientDataJSON) },
  };
  if (answer.attestationObject) {
    json.response.attestationObject = base64url(answer.attestationObject);
    json.response.transports = answer.getTransports ? answer.getTransports() : [];
  } else {
    json.response.authenticatorData = base64url(answer.authenticatorData);
    json.response.signature = base64url(answer.signature);
    if (answer.userHandle) json.response.userHandle = base64url(answer.userHandle);
  }
  return json;
}

async function post(url, body) {
  const token = document.querySelector("[name=csrfmiddlewaretoken]");
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
    body: JSON.stringify(body || {}),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.detail || response.statusText), { server: true });
  return data;
}

async function ceremony(button) {
  const registering = button.dataset.passkey === "register";
  const options = await post(button.dataset.begin);
  const credential = registering
    ? await navigator.credentials.create({ publicKey: creationOptions(options) })
    : await navigator.credentials.get({ publicKey: requestOptions(options) });
  return post(button.dataset.complete, asJSON(credential));
}

function done(button) {
  if (button.dataset.passkey === "register") {
    window.location.reload();
  } else if (button.dataset.passkey === "confirm") {
    document.getElementById(button.dataset.form).requestSubmit();
  } else {
    window.location.assign(button.dataset.next || "/admin/");
  }
}

function start(button) {
  const status = button.nextElementSibling;
  if (!window.PublicKeyCredential || !navigator.credentials) {
    button.parentElement.querySelector("[data-passkey-unsupported]").hidden = false;
    return;
  }
  button.hidden = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = button.dataset.working;
    try {
      await ceremony(button);
      status.textContent = button.dataset.done;
      done(button);
    } catch (error) {
      // The browser's own refusals (cancelled, timed out) change nothing.
      status.textContent =
        error.name === "NotAllowedError" || error.name === "AbortError"
          ? button.dataset.cancelled
          : error.server
            ? `${button.dataset.failed} (${error.message})`
            : button.dataset.failed;
      button.disabled = false;
    }
  });
}

document.querySelectorAll("button[data-passkey]").forEach(start);
