// 政策自测: reveal the profile questions that depend on an answer of the same step (the
// 具体行业 once the 门类 is chosen), instead of asking them on the next page. Without
// JavaScript they stay hidden and disabled (not submitted) and are asked in the next step.
(function () {
  "use strict";
  var form = document.querySelector("form.check-step");
  if (!form) return;

  function value(name) {
    var field = form.elements[name];
    if (!field) return undefined;
    if (field instanceof RadioNodeList) {
      for (var i = 0; i < field.length; i++) if (field[i].checked) return field[i].value;
      return undefined;
    }
    return field.value || undefined;
  }

  // the rule language's simple leaves, enough for ask_if conditions on the profile
  function holds(condition) {
    if (!condition) return true;
    var op = Object.keys(condition)[0], arg = condition[op];
    if (op === "all") return arg.every(holds);
    if (op === "any") return arg.some(holds);
    if (op === "not") return !holds(arg);
    var answer = value(arg[0]);
    if (answer === undefined) return false;
    if (op === "eq") return answer === String(arg[1]);
    if (op === "ne") return answer !== String(arg[1]);
    if (op === "in") return arg[1].map(String).indexOf(answer) !== -1;
    return false;
  }

  var fields = form.querySelectorAll("[data-ask-if]");
  function update() {
    fields.forEach(function (field) {
      var wrapper = field.closest(".ask-if");
      var show = holds(JSON.parse(field.dataset.askIf));
      if (wrapper) wrapper.hidden = !show;
      field.disabled = !show;
      var optionIf = JSON.parse(field.dataset.optionIf || "{}");
      if (field.tagName === "SELECT") {
        Array.prototype.forEach.call(field.options, function (option) {
          var condition = optionIf[option.value];
          var visible = !condition || holds(condition);
          option.hidden = !visible;
          option.disabled = !visible;
          if (!visible && option.selected) field.value = "";
        });
      }
    });
  }
  form.addEventListener("change", update);
  update();
})();
