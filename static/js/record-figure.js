// "Record this figure" on the story admin page: adds a row to the Figures inline filled with
// the number the finder saw, without reloading. Without JavaScript the link reloads the page
// with ?record_figure=<start>-<end> and the server fills the row instead (ArticleAdmin).
"use strict";
document.addEventListener("click", function (event) {
  const link = event.target.closest("a.record-figure");
  if (!link) return;
  const group = document.getElementById("figures-group");
  const add = group && group.querySelector(".add-row a");
  if (!add) return; // No inline to add to (read-only view): follow the link.
  event.preventDefault();
  add.click();
  const rows = group.querySelectorAll(".dynamic-figures");
  const row = rows[rows.length - 1];
  if (!row) return;
  for (const name of ["text", "value", "unit"]) {
    const input = row.querySelector(`[name$="-${name}"]`);
    if (input) input.value = link.dataset[name] || "";
  }
  const counts = row.querySelector('[name$="-counts"]');
  if (counts) counts.focus();
  link.closest("li").classList.add("recorded");
  link.replaceWith(document.createTextNode("Added below: say what it counts and give its source."));
});
