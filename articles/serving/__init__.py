"""Serving pages to readers: everything between the WSGI server and the views.

- pages: the page cache (PageCacheMiddleware, and CachedPages, the WSGI
  application that answers hits before Django does);
- dependencies: what a page shows, recorded as surrogate keys while it
  renders; changes: which keys a change purges (signals call it);
- invalidation: the versions of keys, purge_keys() and forget_pages()
  (which bulk writers call after a change), and the clock for scheduled
  changes; edge: the surrogate-key header and purges sent to Varnish or a CDN;
- resilient_cache: the Redis cache backend that keeps serving when Redis
  goes away;
- media: uploads served by the app itself; health: /healthz;
- clients: the client's address, for the sign-in lockout and the counters.

These import models and the small helpers below them (paging), never
views, the admin or prompts. Security headers are set in settings
(django-csp, django-permissions-policy) with the admin's additions in
articles.security.
"""
