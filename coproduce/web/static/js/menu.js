// The main menu on a phone. Without JavaScript a link, "Menu", opens it: the link goes to
// #main-menu and CSS shows the menu while it is the :target. With JavaScript this puts a button
// in the link's place that opens and closes the menu where it is, and says whether it is open
// (aria-expanded). On a wide screen the menu is always open and the button is not shown.
(function () {
  "use strict";

  function start() {
    var menu = document.getElementById("main-menu");
    if (!menu) return;
    var link = menu.querySelector("[data-menu-toggle]");
    var content = document.getElementById("main-menu-content");
    if (!link || !content) return;

    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.textContent = link.textContent;
    button.setAttribute("aria-controls", content.id);

    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("cp-menu--open", open);
    }

    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        show(false);
        button.focus();
      }
    });

    // Someone who followed the link before the script ran finds the menu open, as they left it.
    show(window.location.hash === "#main-menu");
    menu.classList.add("cp-menu--js");
    link.replaceWith(button);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
