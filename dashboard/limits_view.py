"""The limits vSphere enforces on the Consolidation page: the two cap inputs beside the ceiling,
and the limits' names (``optimizer.limits``); which limit binds a cluster: ``dashboard.cluster_limits``."""

from streamlit.delta_generator import DeltaGenerator

from dashboard.cluster_limits import limit_caps
from dashboard.i18n import t

__all__ = ["cap_inputs", "limit_labels"]


def cap_inputs(
    container: DeltaGenerator, *, vcpu_ratio: float | None, memory_overcommit: float | None
) -> dict[str, float | None]:
    """The vCPU-per-core and memory overcommit inputs (0: no cap), as Policy fields."""
    return limit_caps(
        container.number_input(
            t("consolidation.vcpu_ratio"),
            min_value=0.0,
            max_value=32.0,
            value=vcpu_ratio or 0.0,
            step=0.5,
            key="cons_vcpu_ratio",
            help=t("consolidation.vcpu_ratio.help"),
        ),
        container.number_input(
            t("consolidation.memory_overcommit"),
            min_value=0.0,
            max_value=10.0,
            value=memory_overcommit or 0.0,
            step=0.1,
            key="cons_memory_overcommit",
            help=t("consolidation.memory_overcommit.help"),
        ),
    )


def limit_labels() -> dict[str, str]:
    """Each limit's name in the current language."""
    return {
        "cpu": t("label.cpu"),
        "memory": t("label.memory"),
        "vcpu_ratio": t("limit.vcpu_ratio"),
        "memory_overcommit": t("limit.memory_overcommit"),
    }
