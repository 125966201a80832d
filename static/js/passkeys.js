// WebAuthn passkeys (progressive enhancement: without this file, or without WebAuthn in the
// browser, the block stays hidden and the one-time code works as before).
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) { return; }

  function toBuffer(value) {
    var s = value.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var s = "";
    for (var i = 0; i < bytes.length; i++) { s += String.fromCharCode(bytes[i]); }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (d) { return Object.assign({}, d, { id: toBuffer(d.id) }); });
  }

  function post(root, payload) {
    return fetch(root.dataset.submitUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": root.querySelector("input[name=csrfmiddlewaretoken]").value,
      },
      body: JSON.stringify(payload),
    });
  }

  async function register(root) {
    var options = await (await fetch(root.dataset.optionsUrl, { credentials: "same-origin" })).json();
    options.challenge = toBuffer(options.challenge);
    options.user.id = toBuffer(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    var cred = await navigator.credentials.create({ publicKey: options });
    return post(root, {
      id: cred.id,
      rawId: toBase64url(cred.rawId),
      type: cred.type,
      response: {
        clientDataJSON: toBase64url(cred.response.clientDataJSON),
        attestationObject: toBase64url(cred.response.attestationObject),
        transports: cred.response.getTransports ? cred.response.getTransports() : [],
      },
      clientExtensionResults: cred.getClientExtensionResults(),
    });
  }

  async function authenticate(root) {
    var options = await (await fetch(root.dataset.optionsUrl, { credentials: "same-origin" })).json();
    options.challenge = toBuffer(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    var cred = await navigator.credentials.get({ publicKey: options });
    return post(root, {
      id: cred.id,
      rawId: toBase64url(cred.rawId),
      type: cred.type,
      response: {
        clientDataJSON: toBase64url(cred.response.clientDataJSON),
        authenticatorData: toBase64url(cred.response.authenticatorData),
        signature: toBase64url(cred.response.signature),
        userHandle: cred.response.userHandle ? toBase64url(cred.response.userHandle) : null,
      },
      clientExtensionResults: cred.getClientExtensionResults(),
    });
  }

  document.querySelectorAll("[data-passkey]").forEach(function (root) {
    if (root.dataset.passkeyReady) { return; }
    root.dataset.passkeyReady = "1";
    root.hidden = false;
    var status = root.querySelector("[data-passkey-status]");
    function say(text) { status.textContent = text; status.hidden = !text; }
    root.querySelector("[data-passkey-button]").addEventListener("click", async function () {
      say("");
      try {
        var response = root.dataset.passkey === "register" ? await register(root) : await authenticate(root);
        var data = await response.json();
        if (response.ok && data.redirect) { window.location.assign(data.redirect); return; }
        say(data.detail || root.dataset.error);
      } catch (err) {
        say(root.dataset.cancelled);
      }
    });
  });
})();
