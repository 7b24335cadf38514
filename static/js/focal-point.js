/* The media library's focal point: click the subject of the picture and the focal point
 * fields follow (articles/admin/media.py); the crops are cut around it when saved. */
(function () {
  "use strict";

  function init() {
    var box = document.querySelector(".focal-point");
    var x = document.getElementById("id_focal_x");
    var y = document.getElementById("id_focal_y");
    if (!box || !x || !y) return;
    var marker = box.querySelector(".focal-point__marker");
    var image = box.querySelector("img");

    function place() {
      marker.style.left = (parseFloat(x.value) * 100) + "%";
      marker.style.top = (parseFloat(y.value) * 100) + "%";
    }

    image.addEventListener("click", function (event) {
      var rect = image.getBoundingClientRect();
      var fx = Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width));
      var fy = Math.min(1, Math.max(0, (event.clientY - rect.top) / rect.height));
      x.value = fx.toFixed(3);
      y.value = fy.toFixed(3);
      x.dispatchEvent(new Event("change", { bubbles: true }));
      place();
    });
    x.addEventListener("input", place);
    y.addEventListener("input", place);
    place();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
