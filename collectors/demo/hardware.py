"""Server generations the demo estate draws from: realistic 2-socket rack servers, 2016–2026.

Figures are typical list values for a French public buyer (EUR TTC, through UGAP-style framework
contracts), rated power from vendors' SPECpower-style data sheets, per-core performance relative to
a 2024 core (SPEC CPU 2017 rate per core, rounded). They make a plausible estate, not a quote.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ServerGeneration:
    """One server model of one generation, as bought by authorities."""

    first_year: int
    last_year: int
    vendor: str
    model: str
    cpu_model: str
    n_cores_per_socket: int
    cpu_mhz: float
    memory_gib_choices: tuple[int, ...]
    price_eur: float
    power_idle_w: float
    power_max_w: float
    perf_per_core: float
    hypervisor_version: str


GENERATIONS: tuple[ServerGeneration, ...] = (
    ServerGeneration(
        2015,
        2017,
        "Dell Inc.",
        "PowerEdge R630",
        "Intel(R) Xeon(R) CPU E5-2620 v4 @ 2.10GHz",
        8,
        2100,
        (128, 192, 256),
        7_800,
        125,
        420,
        0.42,
        "VMware ESXi 6.7.0",
    ),
    ServerGeneration(
        2016,
        2018,
        "HPE",
        "ProLiant DL380 Gen9",
        "Intel(R) Xeon(R) CPU E5-2650 v4 @ 2.20GHz",
        12,
        2200,
        (192, 256),
        9_500,
        140,
        480,
        0.45,
        "VMware ESXi 6.7.0",
    ),
    ServerGeneration(
        2018,
        2019,
        "Dell Inc.",
        "PowerEdge R640",
        "Intel(R) Xeon(R) Silver 4114 CPU @ 2.20GHz",
        10,
        2200,
        (192, 256, 384),
        9_000,
        120,
        450,
        0.52,
        "VMware ESXi 7.0.3",
    ),
    ServerGeneration(
        2018,
        2020,
        "HPE",
        "ProLiant DL360 Gen10",
        "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz",
        16,
        2100,
        (256, 384),
        12_500,
        130,
        520,
        0.58,
        "VMware ESXi 7.0.3",
    ),
    ServerGeneration(
        2020,
        2021,
        "Lenovo",
        "ThinkSystem SR650",
        "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz",
        20,
        2100,
        (384, 512),
        14_000,
        125,
        560,
        0.64,
        "VMware ESXi 7.0.3",
    ),
    ServerGeneration(
        2021,
        2022,
        "Dell Inc.",
        "PowerEdge R650",
        "Intel(R) Xeon(R) Gold 6330 CPU @ 2.00GHz",
        28,
        2000,
        (512, 768),
        17_500,
        150,
        650,
        0.74,
        "VMware ESXi 7.0.3",
    ),
    ServerGeneration(
        2022,
        2024,
        "HPE",
        "ProLiant DL385 Gen10 Plus v2",
        "AMD EPYC 7443 24-Core Processor",
        24,
        2850,
        (512, 768),
        16_000,
        160,
        620,
        0.86,
        "VMware ESXi 8.0.2",
    ),
    ServerGeneration(
        2024,
        2026,
        "Dell Inc.",
        "PowerEdge R660",
        "Intel(R) Xeon(R) Gold 6430",
        32,
        2100,
        (768, 1024),
        21_000,
        180,
        760,
        1.0,
        "VMware ESXi 8.0.3",
    ),
)


def generations_for(year: int) -> tuple[ServerGeneration, ...]:
    """The generations on sale in ``year`` (the nearest ones outside the table's range)."""
    found = tuple(g for g in GENERATIONS if g.first_year <= year <= g.last_year)
    if found:
        return found
    if year < GENERATIONS[0].first_year:
        return (GENERATIONS[0],)
    return (GENERATIONS[-1],)
