"""Live TLS endpoint probing: jobs that do I/O (one connection each) and a pure step that assembles
frozen, typed results and judges them (TLS-08, TLS-09, CERT-03, CERT-04).

    ciphers      protocol versions and the cipher-suite table (IANA codes, OpenSSL names)
    clienthello  ClientHello bytes and ServerHello / Alert parsing (pure)
    wire         one connection: a ClientHello out, the first answer back (reader, drivers)
    enumerate    one job per (version, suite); the preflight; what an answer means (pure)
    chain        fetch and verify the served chain (through `ssl`)
    certs        read certificates and the facts CERT-03/CERT-04 judge (pure)
    mtls         the three mutual-TLS cases
    runner       the only scheduler: event loop for hellos, threads for `ssl` jobs, bounds, budget
    engine       plan, run, assemble (pure), judge
    findings     verdicts -> Finding (pure)
    policies     the shipped AWS policy tables and the diff against them
    targets      HOST[:PORT] parsing, resolution, address safety
    render       JSON and tables
    command      `ringfence probe`

The CLI needs only `add_probe_parser` and `run_probe_command`; importing them loads nothing else of
the prober (the rest is imported when a probe runs). The Python API is `engine.probe(endpoints,
ProbeOptions(...))` on endpoints from `targets.resolve_all`.
"""

from ringfence.probe.command import add_probe_parser, run_probe_command

__all__ = ["add_probe_parser", "run_probe_command"]
