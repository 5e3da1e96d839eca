"""The publishing pipeline (SPEC §6): bundles due slots, publishes each exactly once.

- `queue`: the plan from the queued posts, and the due part turned into bundles;
- `claim`: one process at a time works on a bundle (conditional UPDATE with a lease);
- `states`: the bundle states, their transition table and `move`, the one way to change one;
- `article`: a post as a WeChat article (uploads, HTML, DraftArticle), for preview and publish alike;
- `pipeline`: upload, draft, submit or send, reconcile, poll; each WeChat id committed
  the moment it is returned;
- `outcome`: success (ledger rows, notices), failure, deferral;
- `events`: the webhook's PUBLISHJOBFINISH / MASSSENDJOBFINISH handlers;
- `actions`: what staff ask for in chat: 定时, 撤回, 删除;
- `runner`: one pass over every account, as the scheduler tick runs it.
"""
