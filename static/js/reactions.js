// Who reacted shows on hover and focus; Escape hides it again (WCAG 1.4.13, dismissible).
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const reaction of document.querySelectorAll(".reaction:hover, .reaction:focus-within")) {
    reaction.classList.add("who-dismissed");
  }
});
document.addEventListener("focusout", (event) => {
  const reaction = event.target.closest && event.target.closest(".reaction");
  if (reaction) reaction.classList.remove("who-dismissed");
});
document.addEventListener("mouseleave", (event) => {
  if (event.target.classList && event.target.classList.contains("reaction")) {
    event.target.classList.remove("who-dismissed");
  }
}, true);
