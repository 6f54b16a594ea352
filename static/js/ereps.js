// Progressive enhancement only: every form also works without JavaScript.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
document.querySelectorAll("form[data-once]").forEach(function (form) {
  // A double click submits once; the server is idempotent anyway.
  form.addEventListener("submit", function () {
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  });
});
// The dossier's tabs scroll sideways on a phone: bring the current one into view.
document.querySelectorAll(".dossier-tabs .nav-link.active").forEach(function (tab) {
  var strip = tab.closest(".dossier-tabs");
  if (strip.scrollWidth > strip.clientWidth) {
    strip.scrollLeft = tab.offsetLeft - (strip.clientWidth - tab.offsetWidth) / 2;
  }
});
