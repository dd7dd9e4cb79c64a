"""vSphere collector: vCenter inventory and usage statistics through pyVmomi, in bulk."""

from collectors.vsphere.client import RawObject, VSphereClient
from collectors.vsphere.collector import UsageOptions, collect_vsphere
from collectors.vsphere.mapping import Usage

__all__ = ["RawObject", "Usage", "UsageOptions", "VSphereClient", "collect_vsphere"]
