"""Process plumbing: background tasks, periodic jobs and the scheduler that runs them."""
