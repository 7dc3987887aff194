// Click-to-set focal point on the image form: clicking the preview fills in
// the focal point fields; typing in them moves the marker.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const picker = document.querySelector("[data-focal-picker]");
  const fieldX = document.getElementById("id_focal_x");
  const fieldY = document.getElementById("id_focal_y");
  if (!picker || !fieldX || !fieldY) {
    return;
  }
  const picture = picker.querySelector("img");
  const marker = picker.querySelector(".focal-picker__marker");

  function clamp(value) {
    return Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0.5));
  }

  function showMarker() {
    marker.style.left = `${clamp(parseFloat(fieldX.value)) * 100}%`;
    marker.style.top = `${clamp(parseFloat(fieldY.value)) * 100}%`;
    marker.hidden = false;
  }

  picture.addEventListener("click", (event) => {
    const box = picture.getBoundingClientRect();
    fieldX.value = clamp((event.clientX - box.left) / box.width).toFixed(3);
    fieldY.value = clamp((event.clientY - box.top) / box.height).toFixed(3);
    showMarker();
  });
  fieldX.addEventListener("input", showMarker);
  fieldY.addEventListener("input", showMarker);
  showMarker();
});
