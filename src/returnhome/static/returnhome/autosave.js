// Progressive enhancement: the interview form saves its author's draft while they type, so a
// closed tab or a lost connection loses nothing. Without JavaScript each section's buttons save
// it. The draft is the author's own: saving it never makes their submit stale.
const form = document.querySelector("form[data-autosave]");
const status = document.querySelector("[data-autosave-status]");
const QUIET_MS = 2000;
const EVERY_MS = 20000;
let timer = null;
let dirty = false;
let saving = false;

async function save() {
  if (!dirty || saving) return;
  saving = true;
  dirty = false;
  try {
    const response = await fetch(form.dataset.autosave, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    });
    if (!response.ok) throw new Error(String(response.status));
    const body = await response.json();
    status.textContent = `Draft saved at ${body.saved_at}`;
  } catch (error) {
    dirty = true;
    status.textContent = "Your draft could not be saved just now: keep this page open, it will try again.";
  } finally {
    saving = false;
  }
}

if (form && status) {
  const changed = () => {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(save, QUIET_MS);
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  setInterval(save, EVERY_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") save();
  });
}
