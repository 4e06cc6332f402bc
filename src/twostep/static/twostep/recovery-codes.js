// Copy and Print buttons of the recovery codes page. Without JavaScript they stay hidden and the page
// still offers the codes as text, a .txt download, and the browser's own print.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const list = document.getElementById("recovery-codes");
  const status = document.querySelector(".copy-status");
  if (!list) {
    return;
  }
  const codes = () => Array.from(list.querySelectorAll("code"), (code) => code.textContent.trim()).join("\n");

  for (const button of document.querySelectorAll("[data-copy-codes]")) {
    if (!navigator.clipboard) {
      continue;
    }
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(codes() + "\n");
        status.textContent = "Copied. Paste them into your password manager.";
      } catch (error) {
        status.textContent = "Copying was not allowed: select the codes and copy them yourself.";
      }
    });
  }
  for (const button of document.querySelectorAll("[data-print-codes]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
