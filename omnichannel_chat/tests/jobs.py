"""Running the pipeline's queue_job jobs inside a test's transaction, as the job runner does
(load, perform, done), so that tests go through the real jobs without a runner process."""

from odoo import fields

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job

PIPELINE_CHANNELS = ("root.omnichannel_inbound", "root.omnichannel_outbound")


def pending_jobs(env, channels=PIPELINE_CHANNELS, due_only=True):
    domain = [("state", "=", "pending")]
    channel_domain = ["|"] * (len(channels) * 2 - 1)
    for channel in channels:
        channel_domain += [("channel", "=", channel), ("channel", "=like", f"{channel}.%")]
    domain += channel_domain
    if due_only:
        domain += ["|", ("eta", "=", False), ("eta", "<=", fields.Datetime.now())]
    return env["queue.job"].sudo().search(domain, order="id")


def run_jobs(env, channels=PIPELINE_CHANNELS, include_delayed=False):
    """Perform the pending jobs of ``channels``, oldest first, and those they enqueue, until
    none is due. ``include_delayed``: also the jobs waiting for their time (a test that lets
    the backoff pass; each job still checks its rows' own retry time). Returns how many ran."""
    ran = set()
    while True:
        now = fields.Datetime.now()
        jobs = [
            job
            for job in pending_jobs(env, channels, due_only=False)
            if job.uuid not in ran and (include_delayed or not job.eta or job.eta <= now)
        ]
        if not jobs:
            return len(ran)
        include_delayed = False  # jobs enqueued from here on wait for their time
        for record in jobs:
            ran.add(record.uuid)
            job = Job.load(env, record.uuid)
            job.set_started()
            job.store()
            try:
                with env.cr.savepoint():
                    job.perform()
            except RetryableJobError as error:
                job.postpone(result=str(error), seconds=error.seconds)
                job.set_pending(reset_retry=False)
                job.store()
                continue
            job.set_done()
            job.store()
            env.flush_all()
