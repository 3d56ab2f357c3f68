# One image for every role; the command picks it:
#   stratops operator | stratops api | stratops run | stratops data fetch
# The steps mirror tests/packaging/test_wheel.py, which runs them without Docker.
#
# BASE_IMAGE: any image with Python 3.11, `pip` and `useradd`. The default is the
# official slim image; the test node builds this same file on a Debian bookworm base
# it makes itself (scripts/testnode/images.py), since it cannot pull images.
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /src
RUN pip install --no-cache-dir build
COPY pyproject.toml setup.py README.md ./
COPY core core
COPY operator operator
COPY runner runner
COPY api api
COPY alembic alembic
RUN python -m build --wheel --outdir /dist

FROM ${BASE_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp
COPY --from=build /dist/*.whl /tmp/wheels/
# The `yahoo` extra: the market-data job fetches from Yahoo Finance unless told otherwise.
RUN pip install --no-cache-dir "$(ls /tmp/wheels/stratops-*.whl)[yahoo]" && rm -rf /tmp/wheels \
    && useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin stratops
# Nothing is written outside mounted volumes and /tmp, so the root filesystem
# can be mounted read-only. Health is checked by Kubernetes probes, not here.
USER 10001:10001
WORKDIR /tmp
ENTRYPOINT ["stratops"]
CMD ["--help"]
