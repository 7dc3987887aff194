#
# Varnish in front of the newsroom's gunicorn: a whole VCL file, used as
# /etc/varnish/default.vcl or named with -f. Adjust the marked values to the
# server, then run it with
#
#     varnishd -a :80 -f /etc/varnish/default.vcl -s malloc,256m
#
# and tell the app where Varnish is and how to tag its pages:
#
#     NEWSROOM_SURROGATE_HEADER=xkey
#     NEWSROOM_PURGE_URL=http://127.0.0.1:80/  (an -a address of this Varnish;
#                                             Debian's varnish.service: 6081)
#     DJANGO_BEHIND_PROXY=on  (the app trusts the X-Forwarded-Proto set here)
#
# Needs vmod xkey (Debian: varnish-modules). tests/test_varnish.py runs this
# very file against a stand-in backend: it replaces the port on the line
# marked GUNICORN_BIND, and the host name on the line marked
# DJANGO_ALLOWED_HOSTS, with its own (tests/varnish.py, `run_varnish`).
#
# - Pages are cached as the app's Cache-Control says: only GET and HEAD
#   responses given a lifetime (max-age, s-maxage or Expires), for that long.
#   Anything private, no-store, no-cache or max-age=0, anything with a
#   Set-Cookie, and every 5xx is never kept.
# - Requests carrying a session (signed-in staff), previews, the admin and
#   /healthz always go to the app, with every cookie. Other cookies are
#   dropped from GET and HEAD: see vcl_recv.
# - The app tags each page with surrogate keys (an xkey header: "site a12 t7")
#   and, when something changes, sends `PURGE /` with `xkey-purge: a12 ls3`
#   from an address in `purgers`. Purged pages are not thrown away but marked
#   stale: the next reader gets the old copy at once while one background
#   fetch renders the new one (STALE below), and everyone after gets that.
# - Grace: a page that expired or was purged is served stale while it is
#   refreshed for up to 2 minutes past its lifetime; past that, a reader
#   waits for the app. While the app fails its /healthz probe, stale copies
#   up to 6 hours old are served instead of errors.
# - Every response says what the cache did in X-Proxy-Cache: HIT, STALE (a
#   hit past its lifetime, refreshed in the background), MISS or PASS.
# - Text the app sends uncompressed is gzipped here; readers whose software
#   does not accept gzip get it decompressed (Varnish's http_gzip_support).
# - HTTPS: put a TLS terminator on this machine in front and give it a
#   listener named tls, `-a tls=127.0.0.1:8443,PROXY` (hitch, haproxy or
#   nginx's stream module speak the PROXY protocol, so client.ip stays the
#   reader's). Requests that came through it are https to the app; all
#   others are http, whatever X-Forwarded-Proto a client sends.

vcl 4.1;

import std;
import xkey;

backend gunicorn {
    .host = "127.0.0.1";
    .port = "8000";  # GUNICORN_BIND
    .connect_timeout = 2s;
    .first_byte_timeout = 35s;  # past GUNICORN_TIMEOUT: gunicorn gives up first
    .between_bytes_timeout = 10s;
    # A reader's request, so the app's host and HTTPS checks pass.
    .probe = {
        .request =
            "GET /healthz HTTP/1.1"
            "Host: news.example.org"  # DJANGO_ALLOWED_HOSTS
            "X-Forwarded-Proto: https"
            "Connection: close";
        # Sick after 6 of 8 probes failed: a busy app answers late (its
        # queue), and stale pages while it catches up are better than none.
        .interval = 5s;
        .timeout = 5s;
        .window = 8;
        .threshold = 3;
        .initial = 3;  # healthy from the start, not after three probes
    }
}

# Who may purge: the app servers. Adjust to their addresses.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # Set by this file only: a client must not be able to claim either.
    unset req.http.X-Proxy-Cache;
    if (local.socket == "tls") {
        set req.http.X-Forwarded-Proto = "https";
    } else {
        set req.http.X-Forwarded-Proto = "http";
    }
    # "GET https://host/admin/ HTTP/1.1" reaches Django as /admin/: match the
    # path rules below against what the app will see. (Varnish itself takes
    # http://host off, but not https://host unless -p https_scheme=on.)
    if (req.url ~ "^(?i)https?://") {
        set req.http.Host = regsub(req.url, "^(?i)https?://([^/?#]*).*$", "\1");
        set req.url = regsub(req.url, "^(?i)https?://[^/?#]*", "");
        if (req.url !~ "^/") {
            set req.url = "/" + req.url;
        }
    }

    if (req.method == "PURGE") {
        call newsroom_purge;
    }

    if (std.healthy(req.backend_hint)) {
        # The app is up: a stale copy only while one request refreshes it.
        set req.grace = 2m;
    }
    # Otherwise the whole beresp.grace (6 hours, vcl_backend_response).

    if (req.url ~ "^/(admin|preview)/" || req.url ~ "^/healthz") {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;)\s*sessionid=") {  # SESSION_COOKIE_NAME
        return (pass);
    }
    # No page for readers depends on a cookie: the session is the only one
    # the app reads (prompts remember dismissals in the browser's storage),
    # and csrftoken matters only to POSTs, which are passed with it. Dropping
    # the rest from GET and HEAD lets readers carrying analytics or other
    # sites' cookies share cached pages.
    if (req.method == "GET" || req.method == "HEAD") {
        unset req.http.Cookie;
    }
    # The builtin VCL follows: other methods are passed, requests with
    # Authorization are passed, GET and HEAD are looked up.
}

sub newsroom_purge {
    # Never through the TLS terminator: there client.ip may be its own.
    if (local.socket == "tls" || client.ip !~ purgers) {
        return (synth(405, "Not allowed"));
    }
    # Several xkey-purge headers are one list, as keys are (spaces or commas).
    std.collect(req.http.xkey-purge, " ");
    if (req.http.xkey-purge !~ "[^\s,]") {
        return (synth(400, "No xkey-purge header"));
    }
    set req.http.X-Purged = xkey.softpurge(req.http.xkey-purge);
    return (synth(200, "Purged"));
}

sub vcl_hash {
    # http and https get different answers (a redirect to https, for one).
    hash_data(req.http.X-Forwarded-Proto);
    # The builtin VCL adds the URL and the host.
}

sub vcl_hit {
    if (obj.ttl <= 0s) {
        set req.http.X-Proxy-Cache = "STALE";
    } else {
        set req.http.X-Proxy-Cache = "HIT";
    }
}

sub vcl_miss {
    if (req.is_hitmiss) {
        # The app's last answer to this URL was not cacheable.
        set req.http.X-Proxy-Cache = "PASS";
    } else {
        set req.http.X-Proxy-Cache = "MISS";
    }
}

sub vcl_pass {
    set req.http.X-Proxy-Cache = "PASS";
}

sub vcl_backend_fetch {
    unset bereq.http.X-Proxy-Cache;
}

sub vcl_backend_response {
    # Compress what nginx would (deploy/nginx.conf, gzip_types); Varnish
    # keeps it compressed and inflates it for readers who do not accept gzip.
    if (!beresp.http.Content-Encoding && beresp.http.Content-Type ~
        "^(?i)(text/|image/svg\+xml|application/(javascript|json|xml|rss\+xml|atom\+xml|opensearchdescription\+xml|manifest\+json))") {
        set beresp.do_gzip = true;
    }
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.status >= 500) {
        if (bereq.is_bgfetch) {
            # Keep serving the stale copy rather than replace it with an error.
            return (abandon);
        }
        call newsroom_uncacheable;
    }
    if (beresp.http.X-Page-Cache == "stale") {
        # The app's old copy of a page another of its workers is rendering
        # (max-age=0): kept for a second, not marked uncacheable for two
        # minutes, so the new page is fetched as soon as it is ready.
        set beresp.ttl = 1s;
        set beresp.grace = 6h;
        return (deliver);
    }
    # The app gives every cacheable response a lifetime; without one, or
    # with the builtin VCL's reasons (below), a response is not kept.
    if (!beresp.http.Expires &&
        beresp.http.Cache-Control !~ "(?i)(^|[\s,])(s-maxage|max-age)=") {
        call newsroom_uncacheable;
    }
    if (beresp.ttl <= 0s ||
        beresp.http.Set-Cookie ||
        beresp.http.Cache-Control ~ "(?i)(no-cache|no-store|private)" ||
        beresp.http.Surrogate-Control ~ "(?i)no-store" ||
        beresp.http.Vary == "*") {
        call newsroom_uncacheable;
    }
    # The app purges this cache on every change, so it may keep a page longer
    # than browsers do: Surrogate-Control's max-age (NEWSROOM_EDGE_MAX_AGE,
    # never past the next scheduled change) rather than an app server asked
    # again for every page every minute.
    if (beresp.http.Surrogate-Control ~ "(?i)(^|[\s,])max-age=[0-9]+") {
        set beresp.ttl = std.duration(regsub(beresp.http.Surrogate-Control,
            "^(?i).*max-age=([0-9]+).*$", "\1") + "s", beresp.ttl);
    }
    # Kept past its lifetime for the app's bad hours (instead of the app's
    # stale-while-revalidate, which Varnish would take as grace); how stale
    # a copy a reader may get is req.grace (vcl_recv).
    set beresp.grace = 6h;
    return (deliver);
}

sub newsroom_uncacheable {
    # Hit-for-miss, as the builtin VCL does: for two minutes requests for the
    # URL go to the app side by side instead of queueing behind one another;
    # the first cacheable answer among them is kept as usual.
    set beresp.ttl = 120s;
    set beresp.grace = 0s;
    set beresp.uncacheable = true;
    return (deliver);
}

sub vcl_deliver {
    set resp.http.X-Proxy-Cache = req.http.X-Proxy-Cache;
    # Surrogate keys are for this cache, not for readers (xkey indexes the
    # stored object's header, so it is removed only on the way out).
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
    unset resp.http.Surrogate-Control;
}

sub vcl_synth {
    if (req.method == "PURGE") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        if (resp.status == 200) {
            # How many pages were marked stale.
            set resp.body = req.http.X-Purged + {"
"};
        } else {
            set resp.body = resp.reason + {"
"};
        }
        return (deliver);
    }
}
