// The sign-in page: exchanges an access token for the API's session cookie, then returns to the page that sent us here.
// It calls fetch itself: the shared helpers answer a 401 by coming here, and a wrong token is a 401.

/** Where to go once signed in: the page given as ?return= when it is a path on this site, else the fleet. */
function returnTarget() {
  const target = new URLSearchParams(location.search).get('return') ?? '';
  return target.startsWith('/') && !target.startsWith('//') && !target.startsWith('/\\') ? target : './';
}

const form = document.getElementById('sign-in');
const error = document.getElementById('sign-in-error');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.hidden = true;
  const response = await fetch('api/v1/session', {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: document.getElementById('token').value }),
  }).catch(() => null);
  // 409: access is open, there is nothing to sign in to.
  if (response?.ok || response?.status === 409) {
    location.assign(returnTarget());
    return;
  }
  const problem = await response?.json().catch(() => ({})) ?? {};
  error.textContent = problem.title ?? 'The API could not be reached; try again.';
  error.hidden = false;
});
