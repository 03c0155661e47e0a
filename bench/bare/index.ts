// The baseline: a Worker that does nothing but answer 204, run the same way as Baromètre.
export default {
  fetch: () => new Response(null, { status: 204 }),
};
