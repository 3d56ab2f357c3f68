"""Test-only entry points: the real commands, wrapped with a fault or a fixed clock.

Test hooks never live in product settings, where a stray variable in a
deployment would act on them; a test runs one of these scripts instead of
`stratops`, and the wrapper patches the one seam it needs before handing over
to the real entry point.
"""
