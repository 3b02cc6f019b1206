/*
 * Coding a transcript: selecting words in the transcript puts them in the "Passage (exact
 * words)" box and their start offset in the hidden "start" field, so the server knows which
 * occurrence was meant. Each paragraph carries `data-offset`, where it starts in the
 * transcript's text; the paragraphs are the text's lines, so the text is their join with "\n".
 * Without JavaScript the coder types or pastes the words, and the server finds them.
 */
(function () {
  "use strict";

  var transcript = document.querySelector("[data-coding-transcript]");
  var passage = document.querySelector("[data-coding-passage]");
  var start = document.querySelector("[data-coding-start]");
  var status = document.querySelector("[data-coding-status]");
  if (!transcript || !passage || !start) {
    return;
  }

  function paragraphOf(node) {
    var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest("[data-offset]") : null;
  }

  // The offset in the transcript's text of a point (node, offset) inside a paragraph.
  function textOffset(paragraph, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(paragraph);
    range.setEnd(node, offset);
    return parseInt(paragraph.getAttribute("data-offset"), 10) + range.toString().length;
  }

  function fullText() {
    var lines = [];
    transcript.querySelectorAll("[data-offset]").forEach(function (paragraph) {
      lines.push(paragraph.textContent);
    });
    return lines.join("\n");
  }

  function useSelection() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return;
    }
    var range = selection.getRangeAt(0);
    var first = paragraphOf(range.startContainer);
    var last = paragraphOf(range.endContainer);
    if (!first || !last || !transcript.contains(first) || !transcript.contains(last)) {
      return;
    }
    var from = textOffset(first, range.startContainer, range.startOffset);
    var to = textOffset(last, range.endContainer, range.endOffset);
    var words = fullText().slice(from, to);
    // Leave out the spaces a selection picks up at either end, keeping the offset exact.
    var leading = words.length - words.replace(/^\s+/, "").length;
    words = words.trim();
    if (!words) {
      return;
    }
    passage.value = words;
    start.value = String(from + leading);
    if (status) {
      status.textContent = "Selected " + words.length + " characters from the transcript.";
    }
  }

  transcript.addEventListener("mouseup", useSelection);
  transcript.addEventListener("keyup", useSelection);
  transcript.addEventListener("touchend", function () {
    window.setTimeout(useSelection, 0);
  });
  // Words typed or changed by hand are found by the server on their own.
  passage.addEventListener("input", function () {
    start.value = "";
    if (status) {
      status.textContent = "";
    }
  });
})();
