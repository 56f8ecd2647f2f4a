from django.contrib import admin

from tdkt.clusters.models import Cluster, ClusterMember, ClusterRole, ClusterYear
from tdkt.core.admin import ReadOnlyAdmin

for model in (Cluster, ClusterYear, ClusterMember, ClusterRole):
    admin.site.register(model, ReadOnlyAdmin)
