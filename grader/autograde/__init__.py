"""The course's steps inside nbgrader's autograde pipeline, and the out-of-kernel check they run."""
