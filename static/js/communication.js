// Progressive enhancement of « Ajouter »: show only the fields of the chosen type.
// Without JavaScript every field is shown and the server ignores those of other types.
(function () {
  var form = document.getElementById("message-form");
  if (!form) { return; }
  var select = form.querySelector("select[name=type]");
  if (!select) { return; }
  function update() {
    form.querySelectorAll("[data-for-types]").forEach(function (block) {
      var types = block.getAttribute("data-for-types").split(" ");
      block.hidden = types.indexOf(select.value) === -1;
    });
  }
  select.addEventListener("change", update);
  update();
})();
