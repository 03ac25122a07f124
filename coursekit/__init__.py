"""Helpers the tests and the benchmarks share: the course's notebooks and bank, a throwaway PostgreSQL,
a throwaway class hub. Never imported by backprop or grader.

`coursekit.course` (the checkout's lessons, solutions and tests/bank), `coursekit.postgres` (a PostgreSQL
server as an ordinary user), `coursekit.hub` (classhub/start with throwaway system users; needs root).
"""
