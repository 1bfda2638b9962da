// Identity switching for the demo page: setting the attribute is all a host page ever does.
for (const form of document.querySelectorAll('form.identity')) {
  const widget = document.getElementById(form.dataset.for);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const identity = new FormData(form).get('identity').trim();
    if (identity) widget.setAttribute('identity', identity);
  });
  form.querySelector('[data-action="logout"]').addEventListener('click', () => widget.logout());
}
for (const widget of document.querySelectorAll('chat-widget')) {
  widget.addEventListener('chat-error', (event) =>
    console.info(`[${widget.id || 'launcher'}] ${event.code}: ${event.message}`),
  );
}
