// Progressive enhancement of the service order's search: « Selon mesures » shows the
// dimensions, « Selon numéro de garantie » hides them. Without JavaScript both are shown and
// the server reads what the chosen way needs. Typing a number of pieces ticks its part.
(function () {
  var form = document.getElementById("service-search");
  if (form) {
    var update = function () {
      var checked = form.querySelector("input[name=mode]:checked");
      var mode = checked ? checked.value : "warranty";
      form.querySelectorAll("[data-for-mode]").forEach(function (block) {
        block.hidden = block.getAttribute("data-for-mode") !== mode;
      });
    };
    form.querySelectorAll("input[name=mode]").forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  }
  document.querySelectorAll("input.parts-quantity").forEach(function (input) {
    input.addEventListener("input", function () {
      var box = document.getElementById("part-" + input.id.slice("quantity-".length));
      if (box && input.value.trim() !== "" && input.value.trim() !== "0") { box.checked = true; }
    });
  });
})();
