using k8s.Models;
using YamlDotNet.Serialization;

namespace SeQuIn.Api.Tests.Deploy;

// Strict models of the custom resources under deploy/kubernetes, for which no schema ships with a .NET package. Each
// holds only the fields the manifests and the runbooks use, named as in the CloudNativePG API reference
// (postgresql.cnpg.io/v1, operator 1.30), the Barman Cloud plugin's (barmancloud.cnpg.io/v1, plugin 0.x) and
// kustomize's (kustomize.config.k8s.io/v1beta1); a field that is not here fails the strict parse. To use a new one,
// read its reference first and add it here with the same name and type.

/// <summary>apiVersion, kind and metadata, as every Kubernetes object has them.</summary>
public abstract class CustomResource<TSpec>
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public TSpec Spec { get; set; } = default!;
}

public sealed class CnpgCluster : CustomResource<CnpgClusterSpec>;

public sealed class CnpgClusterSpec
{
    public int? Instances { get; set; }
    public string? ImageName { get; set; }
    public string? PrimaryUpdateStrategy { get; set; }
    public bool? EnableSuperuserAccess { get; set; }
    public CnpgBootstrap? Bootstrap { get; set; }
    public CnpgManaged? Managed { get; set; }
    public CnpgPostgresConfiguration? Postgresql { get; set; }
    public CnpgStorage? Storage { get; set; }
    public CnpgStorage? WalStorage { get; set; }
    public V1ResourceRequirements? Resources { get; set; }
    public CnpgAffinity? Affinity { get; set; }
    public List<CnpgPlugin>? Plugins { get; set; }
    public List<CnpgExternalCluster>? ExternalClusters { get; set; }
}

public sealed class CnpgBootstrap
{
    public CnpgInitdb? Initdb { get; set; }
    public CnpgRecovery? Recovery { get; set; }
}

public sealed class CnpgInitdb
{
    public string? Database { get; set; }
    public string? Owner { get; set; }
    public CnpgLocalObjectReference? Secret { get; set; }
}

public sealed class CnpgRecovery
{
    public string? Source { get; set; }
    public string? Database { get; set; }
    public string? Owner { get; set; }
    public CnpgLocalObjectReference? Secret { get; set; }
    public CnpgRecoveryTarget? RecoveryTarget { get; set; }
}

public sealed class CnpgRecoveryTarget
{
    public string? TargetTime { get; set; }
}

public sealed class CnpgManaged
{
    public List<CnpgRole>? Roles { get; set; }
}

/// <summary>A managed role (RoleConfiguration): PostgreSQL's own attributes, plus ensure and the password's secret.</summary>
public sealed class CnpgRole
{
    public string Name { get; set; } = "";
    public string? Ensure { get; set; }
    public string? Comment { get; set; }
    public bool? Login { get; set; }
    public bool? Superuser { get; set; }
    public bool? Createdb { get; set; }
    public bool? Createrole { get; set; }
    public bool? Replication { get; set; }
    public bool? Bypassrls { get; set; }
    public bool? Inherit { get; set; }
    public CnpgLocalObjectReference? PasswordSecret { get; set; }
}

public sealed class CnpgPostgresConfiguration
{
    public Dictionary<string, string>? Parameters { get; set; }
}

public sealed class CnpgStorage
{
    public string? Size { get; set; }
    public string? StorageClass { get; set; }
}

public sealed class CnpgAffinity
{
    public bool? EnablePodAntiAffinity { get; set; }
    public string? PodAntiAffinityType { get; set; }
    public string? TopologyKey { get; set; }
}

public sealed class CnpgPlugin
{
    public string Name { get; set; } = "";

    [YamlMember(Alias = "isWALArchiver", ApplyNamingConventions = false)]
    public bool? IsWalArchiver { get; set; }

    public bool? Enabled { get; set; }
    public Dictionary<string, string>? Parameters { get; set; }
}

public sealed class CnpgExternalCluster
{
    public string Name { get; set; } = "";
    public CnpgPlugin? Plugin { get; set; }
}

public sealed class CnpgLocalObjectReference
{
    public string Name { get; set; } = "";
}

public sealed class CnpgScheduledBackup : CustomResource<CnpgScheduledBackupSpec>;

public sealed class CnpgScheduledBackupSpec
{
    /// <summary>Six cron fields, seconds first.</summary>
    public string Schedule { get; set; } = "";
    public bool? Immediate { get; set; }
    public string? BackupOwnerReference { get; set; }
    public CnpgLocalObjectReference Cluster { get; set; } = new();
    public string? Method { get; set; }
    public CnpgPluginReference? PluginConfiguration { get; set; }
}

public sealed class CnpgPluginReference
{
    public string Name { get; set; } = "";
}

public sealed class BarmanObjectStore : CustomResource<BarmanObjectStoreSpec>;

public sealed class BarmanObjectStoreSpec
{
    public string? RetentionPolicy { get; set; }
    public BarmanConfiguration? Configuration { get; set; }
}

public sealed class BarmanConfiguration
{
    public string? DestinationPath { get; set; }

    [YamlMember(Alias = "endpointURL", ApplyNamingConventions = false)]
    public string? EndpointUrl { get; set; }

    public BarmanS3Credentials? S3Credentials { get; set; }
    public BarmanWalConfiguration? Wal { get; set; }
    public BarmanDataConfiguration? Data { get; set; }
}

/// <summary>Secret references only: an object store's keys are never written in a manifest.</summary>
public sealed class BarmanS3Credentials
{
    public BarmanSecretKeySelector? AccessKeyId { get; set; }
    public BarmanSecretKeySelector? SecretAccessKey { get; set; }
}

public sealed class BarmanSecretKeySelector
{
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";
}

public sealed class BarmanWalConfiguration
{
    public string? Compression { get; set; }
    public int? MaxParallel { get; set; }
}

public sealed class BarmanDataConfiguration
{
    public string? Compression { get; set; }
    public int? Jobs { get; set; }
}

/// <summary>
/// kustomization.yaml, with no secretGenerator or configMapGenerator: a generator would put values (secrets
/// among them) in the repository.
/// </summary>
public sealed class Kustomization
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public string? Namespace { get; set; }
    public List<string>? Resources { get; set; }
    public List<KustomizationLabels>? Labels { get; set; }
    public List<KustomizationImage>? Images { get; set; }
    public List<KustomizationPatch>? Patches { get; set; }
}

public sealed class KustomizationLabels
{
    public Dictionary<string, string> Pairs { get; set; } = [];
    public bool? IncludeSelectors { get; set; }
    public bool? IncludeTemplates { get; set; }
}

public sealed class KustomizationImage
{
    public string Name { get; set; } = "";
    public string? NewName { get; set; }
    public string? NewTag { get; set; }
    public string? Digest { get; set; }
}

public sealed class KustomizationPatch
{
    public string Path { get; set; } = "";
}
