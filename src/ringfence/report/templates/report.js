
(function () {
  "use strict";
  // Optional filtering of the findings table; the report reads the same without it.
  var form = document.getElementById("filters");
  var table = document.getElementById("findings-table");
  if (!form || !table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var counter = document.getElementById("filter-count");
  function apply() {
    var status = form.elements.status.value;
    var severity = form.elements.severity.value;
    var text = form.elements.q.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!status || row.getAttribute("data-status") === status) &&
        (!severity || row.getAttribute("data-severity") === severity) &&
        (!text || row.textContent.toLowerCase().indexOf(text) !== -1);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    counter.textContent = shown + " of " + rows.length + " shown";
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
})();
