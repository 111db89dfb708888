"""The web console at ``/_openrd/console``: a live, read-mostly page over the emulator.

Sections: the SMS inbox (masked phone, code where the sender keeps it, purpose, status, age), every resource
directory as a tree (folders, accounts, type, masked secure phone) plus the accounts in no directory, the audit
log with filters (``?account=``, ``?action=``, ``?result=`` prefill them; the browser applies them as you type),
and the emulator clock with an "advance" control (it posts ``{"advance_seconds": n}`` to ``/_openrd/clock``).

Live updates: the page listens to ``/_openrd/console/events`` (server-sent events) and swaps only the rows that
changed. Without JavaScript the page still renders; reload to refresh.

Access is the control API's: loopback clients only, unless ``OPENRD_ADMIN_TOKEN`` is set; then open
``/_openrd/console?token=<token>`` once. The console keeps the token in an HttpOnly, SameSite=Strict cookie
scoped to ``/_openrd/console`` and redirects to the address without it; ``Authorization: Bearer <token>``
works as well. The cookie opens the console only; the JSON control API still wants the header.
"""
