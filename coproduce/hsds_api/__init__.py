"""The public, read-only Open Referral HSDS 3.0 API (UK profile) at /hsds/.

An interface like `coproduce.api`: it reads the directory and serialises it with
`coproduce.directory.hsds.serialise`. It is public (the UK profile forbids API keys), answers
GET only, sends `Access-Control-Allow-Origin: *` on every response, and publishes directory
information only: nothing about participants or referrals is reachable from here.
"""
