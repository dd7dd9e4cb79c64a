"""The columns of an RVTools export: each tab's headers, by every name RVTools gave them.

Kept apart from the reader (``rvtools``) so the list of what is read stays one page.
"""

from collectors.imports.limits import IDENTITY_LENGTH, NAME_LENGTH
from collectors.imports.rvtools_usage import HOST_USAGE, USAGE_COLUMNS, USAGE_TABS
from collectors.imports.tabular import Column
from inventory.limits import LIMITS

TABS = ("vInfo", "vHost", "vCluster", "vDatastore")
#: Every tab read: the four that describe the estate, then those that carry usage (``rvtools_usage``).
ALL_TABS = TABS + USAGE_TABS
GIB_PER_MIB = 1 / 1024
#: Used space a VM's partitions may sum to (the inventory's range of ``disk_used_gib``).
DISK_USED = LIMITS["disk_used_gib"]

VINFO = (
    Column("name", ("VM", "VM Name"), required=True, max_length=NAME_LENGTH),
    Column("power", ("Powerstate", "Power state")),
    Column("is_template", ("Template",), "bool"),
    Column("n_vcpus", ("CPUs", "Num CPU"), "int", required=True),
    Column("memory_mib", ("Memory", "Memory MiB", "Memory MB"), "float", required=True),
    Column("storage_provisioned_gib", ("Provisioned MiB", "Provisioned MB"), "float", GIB_PER_MIB),
    Column("storage_used_gib", ("In Use MiB", "In Use MB"), "float", GIB_PER_MIB),
    Column("datacenter", ("Datacenter",)),
    Column("cluster", ("Cluster",)),
    Column("host", ("Host",)),
    Column("os_tools", ("OS according to the VMware Tools",), max_length=NAME_LENGTH),
    Column("os_config", ("OS according to the configuration file", "OS"), max_length=NAME_LENGTH),
    Column("vm_uuid", ("VM UUID", "UUID")),
    Column("instance_uuid", ("VM Instance UUID", "Instance UUID")),
    Column("vcenter", ("VI SDK Server",), max_length=IDENTITY_LENGTH - len("rvtools:")),
)
VHOST = (
    Column("name", ("Host",), required=True),
    Column("datacenter", ("Datacenter",)),
    Column("cluster", ("Cluster",)),
    Column("cpu_model", ("CPU Model",)),
    Column("cpu_mhz", ("Speed", "CPU Speed"), "float", required=True),
    Column("n_sockets", ("# CPU", "CPU Sockets"), "int", required=True),
    Column("n_cores_per_socket", ("Cores per CPU",), "int"),
    Column("n_cores", ("# Cores",), "int"),
    Column("memory_mib", ("# Memory", "Memory", "# Memory MiB", "# Memory MB"), "float", required=True),
    Column("vendor", ("Vendor",)),
    Column("model", ("Model",)),
    Column("serial_number", ("Serial number", "Serial Number")),
    Column("service_tag", ("Service tag", "Service Tag")),
    Column("hypervisor_version", ("ESX Version",)),
    Column("vcenter", ("VI SDK Server",), max_length=IDENTITY_LENGTH - len("rvtools:")),
    *HOST_USAGE,
)
VCLUSTER = (
    Column("name", ("Name", "Cluster"), required=True),
    Column("datacenter", ("Datacenter",)),
    Column("ha_enabled", ("HA enabled", "HA Enabled"), "bool"),
    Column("ha_failover_level", ("Failover Level", "HA Failover Level"), "int"),
    Column("drs_enabled", ("DRS enabled", "DRS Enabled"), "bool"),
)
VDATASTORE = (
    Column("name", ("Name", "Datastore"), required=True),
    Column("kind", ("Type",), max_length=50),
    Column("capacity_gib", ("Capacity MiB", "Capacity MB"), "float", GIB_PER_MIB),
    Column("free_gib", ("Free MiB", "Free MB"), "float", GIB_PER_MIB),
    Column("datacenter", ("Datacenter",)),
)
COLUMNS = {"vInfo": VINFO, "vHost": VHOST, "vCluster": VCLUSTER, "vDatastore": VDATASTORE, **USAGE_COLUMNS}

MAIN_TABS = ("vInfo", "vHost")
#: A vHost tab gives the cores of a host by socket or in all: one of these is required.
CORES = ("Cores per CPU", "# Cores")
