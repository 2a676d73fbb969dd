"""The reachability engine: exact answers to "can X reach Y", explained hop by hop, and intents.

    topology = Topology(inventory)
    result = answer(topology, Query("tier:data", "internet", ports=parse_ports("443")))
    findings = evaluate_intents(inventory, load_intents("intents.yaml"))

Pure: no I/O except reading an intents file and, in `command`, the stored scan.
"""

from ringfence.network.addresses import IntervalSet, parse_ports
from ringfence.network.command import add_reach_parser, run_reach_command
from ringfence.network.endpoints import EndpointError
from ringfence.network.explain import Answer, Hop, PairResult, Path
from ringfence.network.intent_checks import catalogue_intents, evaluate_intents
from ringfence.network.intents import Intent, IntentError, IntentFile, load_intents, parse_intents
from ringfence.network.protocols import parse_protocol
from ringfence.network.query import Query, answer
from ringfence.network.topology import Topology

__all__ = [
    "Answer",
    "EndpointError",
    "Hop",
    "Intent",
    "IntentError",
    "IntentFile",
    "IntervalSet",
    "PairResult",
    "Path",
    "Query",
    "Topology",
    "add_reach_parser",
    "answer",
    "catalogue_intents",
    "evaluate_intents",
    "load_intents",
    "parse_intents",
    "parse_ports",
    "parse_protocol",
    "run_reach_command",
]
