// 注册企业账户: once a city is chosen, the 县（市）区 list keeps only that city's districts.
// Without JavaScript every district is listed, one group (<optgroup>) per city, and the
// server refuses a district of another city.
(function () {
  "use strict";
  var city = document.getElementById("id_city");
  var district = document.getElementById("id_district");
  if (!city || !district) return;
  var groups = Array.prototype.slice.call(district.getElementsByTagName("optgroup"));

  function chosenCity() {
    var option = city.options[city.selectedIndex];
    return option && option.value ? option.text : "";
  }

  function update() {
    var name = chosenCity();
    var current = district.value;
    var kept = false;
    groups.forEach(function (group) {
      if (group.parentNode) district.removeChild(group);
    });
    groups.forEach(function (group) {
      if (name && group.label !== name) return;
      district.appendChild(group);
      for (var i = 0; i < group.children.length; i++) {
        if (current && group.children[i].value === current) kept = true;
      }
    });
    district.value = kept ? current : "";
  }

  city.addEventListener("change", update);
  update();
})();
