using System.Text.RegularExpressions;
using k8s.Models;
using Npgsql;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Deploy;

/// <summary>
/// The Kubernetes and CloudNativePG manifests under deploy/kubernetes, checked without a cluster: every document
/// parses strictly against the Kubernetes API's models (and small strict models of the custom kinds), and what they
/// say agrees with the service (the probes: KubernetesProbeTests): the configuration keys it reads, the two
/// database roles it needs, and the services CloudNativePG makes.
/// </summary>
public sealed class KubernetesManifestTests
{
    private const string ClusterName = "sequin-db";
    private const string BarmanCloudPlugin = "barman-cloud.cloudnative-pg.io";

    private static readonly Regex Reference = new(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", RegexOptions.NonBacktracking);

    private static V1Deployment Api => KubernetesManifests.Named<V1Deployment>("sequin-api");
    private static V1Job Migrate => KubernetesManifests.Named<V1Job>("sequin-migrate");
    private static CnpgCluster Database => KubernetesManifests.Named<CnpgCluster>(ClusterName);

    [Fact]
    public void Every_manifest_parses_strictly_into_a_known_kind()
    {
        var kinds = KubernetesManifests.All.Select(m => m.Resource.GetType().Name).ToHashSet();

        Assert.Subset(kinds, new HashSet<string>
        {
            nameof(Kustomization), nameof(V1Deployment), nameof(V1Service), nameof(V2HorizontalPodAutoscaler), nameof(V1PodDisruptionBudget),
            nameof(V1NetworkPolicy), nameof(V1Job), nameof(V1ServiceAccount), nameof(V1Namespace),
            nameof(CnpgCluster), nameof(CnpgScheduledBackup), nameof(BarmanObjectStore),
        });
        Assert.All(KubernetesManifests.All, m => Assert.NotNull(m.Resource));
    }

    [Theory]
    [InlineData("apps/v1", "Deployment", "spec:\n  replica: 2")]
    [InlineData("apps/v1", "Deployment", "spec:\n  template:\n    spec:\n      containers:\n        - name: api\n          readinessProbes: {}")]
    [InlineData("v1", "Service", "spec:\n  ports:\n    - port: http-ish\n      targetPort: http")]
    [InlineData("postgresql.cnpg.io/v1", "Cluster", "spec:\n  instance: 3")]
    [InlineData("barmancloud.cnpg.io/v1", "ObjectStore", "spec:\n  configuration:\n    s3Credentials:\n      accessKeyId: AKIAEXAMPLE")]
    [InlineData("kustomize.config.k8s.io/v1beta1", "Kustomization", "secretGenerator:\n  - name: db\n    literals: [password=x]")]
    [InlineData("example.org/v1", "Unknown", "spec: {}")]
    public void A_misspelt_field_a_wrong_type_an_inline_secret_or_an_unknown_kind_fails_the_parse(string apiVersion, string kind, string rest)
    {
        var yaml = $"apiVersion: {apiVersion}\nkind: {kind}\nmetadata:\n  name: x\n{rest}\n";

        Assert.Throws<InvalidDataException>(() => KubernetesManifests.Parse(yaml, "inline"));
    }

    [Fact]
    public void Every_kustomization_lists_files_that_exist_and_every_manifest_is_listed_by_one()
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (file, kustomization) in KubernetesManifests.Kustomizations())
        {
            Assert.Equal("kustomize.config.k8s.io/v1beta1", kustomization.ApiVersion);
            var directory = Path.GetDirectoryName(file)!;
            foreach (var entry in (kustomization.Resources ?? []).Concat((kustomization.Patches ?? []).Select(p => p.Path)))
            {
                var target = KubernetesManifests.Normalise(Path.Combine(directory, entry));
                var full = Path.Combine(Repository.Root, target);
                Assert.True(File.Exists(full) || File.Exists(Path.Combine(full, "kustomization.yaml")), $"{file} lists {entry}, which is neither a file nor a kustomization");
                listed.Add(File.Exists(full) ? target : $"{target}/kustomization.yaml");
            }
        }

        // An overlay's kustomization is where kubectl apply -k starts: nothing lists it.
        var unlisted = KubernetesManifests.Files()
            .Where(f => !listed.Contains(f) && !Regex.IsMatch(f, "^deploy/kubernetes/overlays/[^/]+/kustomization\\.yaml$", RegexOptions.NonBacktracking)).ToList();
        Assert.True(unlisted.Count == 0, $"Not in any kustomization (so never applied, and never checked as a resource): {string.Join(", ", unlisted)}");
    }

    [Fact]
    public void Every_environment_variable_sets_a_configuration_key_the_service_reads_or_a_standard_variable()
    {
        var containers = KubernetesManifests.PodTemplates().SelectMany(t => t.Template.Spec.Containers.Select(c => (t.Workload, Container: c)))
            .Concat(KubernetesManifests.Patches.Select(p => p.Resource).OfType<V1Deployment>()
                .SelectMany(d => d.Spec.Template.Spec.Containers.Select(c => ($"patch of Deployment {d.Metadata.Name}", Container: c))));
        var unknown = new List<string>();
        foreach (var (workload, container) in containers)
        {
            var references = (container.Env ?? []).SelectMany(e => Reference.Matches(e.Value ?? "").Select(m => m.Groups[1].Value)).ToHashSet();
            foreach (var variable in container.Env ?? [])
            {
                var known = ConfigurationKeys.IsRead(ConfigurationKeys.FromEnvironmentVariable(variable.Name))
                    || ConfigurationKeys.StandardVariables.Contains(variable.Name)
                    // A piece of another variable's value ($(NAME)), taken from a secret or from the pod itself.
                    || (references.Contains(variable.Name) && variable.ValueFrom is { SecretKeyRef: not null } or { FieldRef: not null });
                if (!known)
                {
                    unknown.Add($"{workload}: {variable.Name}");
                }
            }
            Assert.Null(container.EnvFrom);
        }
        Assert.True(unknown.Count == 0, $"Set in a manifest but read by nobody (a typo, or a key the service does not have): {string.Join(", ", unknown)}");
        Assert.DoesNotContain("SeQuIn:Shutdown:DrainSeconds", unknown);
    }

    [Fact]
    public void No_secret_is_written_in_a_manifest_only_referenced()
    {
        Assert.Empty(KubernetesManifests.All.Select(m => m.Resource).OfType<V1Secret>());
        Assert.Empty(KubernetesManifests.All.Select(m => m.Resource).OfType<V1ConfigMap>());
        foreach (var (workload, template) in KubernetesManifests.PodTemplates())
        {
            foreach (var container in template.Spec.Containers)
            {
                var env = container.Env ?? [];
                for (var i = 0; i < env.Count; i++)
                {
                    var variable = env[i];
                    var earlier = env.Take(i).ToDictionary(e => e.Name);
                    foreach (Match reference in Reference.Matches(variable.Value ?? ""))
                    {
                        // Kubernetes expands $(NAME) only from variables defined before this one.
                        Assert.True(earlier.ContainsKey(reference.Groups[1].Value), $"{workload}: {variable.Name} uses $({reference.Groups[1].Value}) before it is defined");
                    }
                    if (Regex.IsMatch(variable.Name, "PASSWORD|SECRET|TOKEN|KEY", RegexOptions.NonBacktracking | RegexOptions.IgnoreCase))
                    {
                        Assert.True(variable.ValueFrom?.SecretKeyRef is not null, $"{workload}: {variable.Name} is not taken from a secret");
                    }
                    if (variable.Name.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
                    {
                        var password = ConnectionString(variable.Value, $"{workload}: {variable.Name}").Password;
                        var source = password is null ? null : Reference.Match(password) is { Success: true } m && m.Value == password ? earlier[m.Groups[1].Value] : null;
                        Assert.True(password is null || source?.ValueFrom?.SecretKeyRef is not null,
                            $"{workload}: {variable.Name} holds a password that is not $(VARIABLE) taken from a secret");
                    }
                }
            }
        }
    }

    [Fact]
    public void Every_pod_runs_as_non_root_on_a_read_only_root_filesystem_with_resource_requests()
    {
        var templates = KubernetesManifests.PodTemplates().ToList();
        Assert.Equal(2, templates.Count);
        foreach (var (workload, template) in templates)
        {
            var pod = template.Spec;
            Assert.True(pod.SecurityContext?.RunAsNonRoot == true, $"{workload}: runAsNonRoot");
            Assert.True(pod.SecurityContext?.RunAsUser is > 0, $"{workload}: runAsUser");
            Assert.Equal("RuntimeDefault", pod.SecurityContext?.SeccompProfile?.Type);
            Assert.False(pod.AutomountServiceAccountToken, $"{workload}: mounts a service account token it never uses");
            foreach (var container in pod.Containers)
            {
                Assert.True(container.SecurityContext?.ReadOnlyRootFilesystem == true, $"{workload}/{container.Name}: readOnlyRootFilesystem");
                Assert.True(container.SecurityContext?.AllowPrivilegeEscalation == false, $"{workload}/{container.Name}: allowPrivilegeEscalation");
                Assert.Equal(["ALL"], container.SecurityContext?.Capabilities?.Drop ?? []);
                Assert.True(container.Resources?.Requests?.ContainsKey("cpu") == true && container.Resources.Requests.ContainsKey("memory"),
                    $"{workload}/{container.Name}: resources.requests of cpu and memory");
                Assert.True(container.Resources.Limits?.ContainsKey("memory") == true, $"{workload}/{container.Name}: a memory limit");
                // The runtime writes its diagnostics socket to /tmp: a writable volume there, since the image is not.
                var tmp = Assert.Single(container.VolumeMounts ?? [], v => v.MountPath == "/tmp");
                Assert.NotNull(Assert.Single(pod.Volumes, v => v.Name == tmp.Name).EmptyDir);
            }
        }
    }

    [Fact]
    public void Only_the_migration_Job_holds_the_owners_password_and_the_service_connects_as_the_runtime_role()
    {
        var initdb = Database.Spec.Bootstrap?.Initdb ?? throw new InvalidOperationException("The cluster has no bootstrap.initdb");
        var runtime = Assert.Single(Database.Spec.Managed?.Roles ?? [], r => r.Name != initdb.Owner);
        var ownerSecret = initdb.Secret?.Name ?? throw new InvalidOperationException("initdb has no owner secret");
        var runtimeSecret = runtime.PasswordSecret?.Name ?? throw new InvalidOperationException("the runtime role has no password secret");

        Assert.Equal(("present", true, false, false, false, false, false),
            (runtime.Ensure, runtime.Login, runtime.Superuser, runtime.Createdb, runtime.Createrole, runtime.Replication, runtime.Bypassrls));
        Assert.False(Database.Spec.EnableSuperuserAccess);
        Assert.NotEqual(ownerSecret, runtimeSecret);

        var api = Assert.Single(Api.Spec.Template.Spec.Containers);
        Assert.DoesNotContain(SecretsOf(api), s => s == ownerSecret);
        Assert.DoesNotContain(api.Env, e => e.Name == "ConnectionStrings__SeQuInOwner");
        Assert.Equal(runtime.Name, Value(api, "SeQuIn__Database__RuntimeRole"));
        foreach (var name in new[] { "ConnectionStrings__SeQuIn", "ConnectionStrings__SeQuInReadOnly" })
        {
            var connection = ConnectionString(Value(api, name), name);
            Assert.Equal(runtime.Name, connection.Username);
            Assert.Equal(runtimeSecret, SecretBehind(api, connection.Password));
        }

        var migrate = Assert.Single(Migrate.Spec.Template.Spec.Containers);
        Assert.Equal(["migrate"], migrate.Args);
        Assert.Null(migrate.Command);
        var owner = ConnectionString(Value(migrate, "ConnectionStrings__SeQuInOwner"), "migrate's owner connection");
        Assert.Equal(initdb.Owner, owner.Username);
        Assert.Equal(ownerSecret, SecretBehind(migrate, owner.Password));
        Assert.Equal(runtime.Name, Value(migrate, "SeQuIn__Database__RuntimeRole"));
        Assert.DoesNotContain(SecretsOf(migrate), s => s == runtimeSecret);
        Assert.Equal(api.Image, migrate.Image);
        Assert.Equal("false", Value(api, "SeQuIn__MigrateOnStartup"));
    }

    [Fact]
    public void The_connection_strings_name_the_clusters_read_write_and_read_only_services_and_its_database()
    {
        var database = Database.Spec.Bootstrap!.Initdb!.Database;
        var api = Assert.Single(Api.Spec.Template.Spec.Containers);
        var migrate = Assert.Single(Migrate.Spec.Template.Spec.Containers);

        var expected = new[]
        {
            (ConnectionString(Value(api, "ConnectionStrings__SeQuIn"), "primary"), $"{ClusterName}-rw"),
            (ConnectionString(Value(api, "ConnectionStrings__SeQuInReadOnly"), "read-only"), $"{ClusterName}-ro"),
            (ConnectionString(Value(migrate, "ConnectionStrings__SeQuInOwner"), "owner"), $"{ClusterName}-rw"),
        };
        foreach (var (connection, host) in expected)
        {
            Assert.Equal((host, 5432, database), (connection.Host, connection.Port, connection.Database));
        }
    }

    [Fact]
    public void The_database_cluster_has_three_instances_apart_and_continuous_backups_to_object_storage_on_a_schedule()
    {
        var spec = Database.Spec;
        Assert.Equal(3, spec.Instances);
        Assert.Equal((true, "required"), (spec.Affinity?.EnablePodAntiAffinity, spec.Affinity?.PodAntiAffinityType));

        var archiver = Assert.Single(spec.Plugins ?? [], p => p.Name == BarmanCloudPlugin);
        Assert.True(archiver.IsWalArchiver, "the plugin does not archive WAL, so there is no point in time to restore to");
        var store = KubernetesManifests.Named<BarmanObjectStore>(archiver.Parameters?["barmanObjectName"] ?? "");
        Assert.Matches("^(s3|gs)://|^https://", store.Spec.Configuration?.DestinationPath ?? "");
        Assert.False(string.IsNullOrEmpty(store.Spec.RetentionPolicy), "no retention policy: the bucket grows for ever");
        var credentials = store.Spec.Configuration!.S3Credentials!;
        Assert.All(new[] { credentials.AccessKeyId, credentials.SecretAccessKey }, s => Assert.False(string.IsNullOrEmpty(s?.Name) || string.IsNullOrEmpty(s.Key)));

        var schedule = KubernetesManifests.Single<CnpgScheduledBackup>().Spec;
        Assert.Equal((ClusterName, "plugin", BarmanCloudPlugin), (schedule.Cluster.Name, schedule.Method, schedule.PluginConfiguration?.Name));
        Assert.Equal(6, schedule.Schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void The_grace_period_outlasts_the_preStop_pause_and_the_drain()
    {
        var pod = Api.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        var pause = container.Lifecycle?.PreStop?.Sleep?.Seconds ?? throw new InvalidOperationException("no preStop sleep");
        var drain = long.Parse(Value(container, "SeQuIn__Shutdown__DrainSeconds"), System.Globalization.CultureInfo.InvariantCulture);

        Assert.InRange(pause, 2, 15);
        // The kubelet counts the grace period from the preStop hook on; the host needs a few seconds after the drain.
        Assert.True(pod.TerminationGracePeriodSeconds >= pause + drain + 10,
            $"terminationGracePeriodSeconds {pod.TerminationGracePeriodSeconds} < preStop {pause} + drain {drain} + 10");
        Assert.Equal(0, Api.Spec.Strategy.RollingUpdate.MaxUnavailable.ToInt());
    }

    [Fact]
    public void The_largest_scale_out_fits_in_the_databases_connection_limit()
    {
        var hpa = KubernetesManifests.Single<V2HorizontalPodAutoscaler>();
        var api = Assert.Single(Api.Spec.Template.Spec.Containers);
        var pool = ConnectionString(Value(api, "ConnectionStrings__SeQuIn"), "primary").MaxPoolSize;
        var surge = Api.Spec.Strategy.RollingUpdate.MaxSurge.ToInt();
        var limit = int.Parse(Database.Spec.Postgresql!.Parameters!["max_connections"], System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(("Deployment", "sequin-api"), (hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name));
        Assert.True(hpa.Spec.MinReplicas >= 2, "one pod is no availability");
        // Every pod's full pool during a rolling update at the largest scale, plus the migration Job, the operator
        // and PostgreSQL's reserved superuser connections.
        var needed = (hpa.Spec.MaxReplicas + surge) * pool + 20;
        Assert.True(needed <= limit, $"{hpa.Spec.MaxReplicas} + {surge} pods × {pool} connections + 20 = {needed} > max_connections {limit}");
    }

    [Fact]
    public void The_service_the_budget_and_the_network_policies_select_the_api_pods_and_not_the_migration()
    {
        var apiLabels = Api.Spec.Template.Metadata.Labels;
        var migrateLabels = Migrate.Spec.Template.Metadata.Labels;
        var service = KubernetesManifests.Named<V1Service>("sequin-api").Spec.Selector;
        var budget = KubernetesManifests.Single<V1PodDisruptionBudget>().Spec.Selector.MatchLabels;

        foreach (var selector in new[] { service, budget, Api.Spec.Selector.MatchLabels })
        {
            Assert.True(Selects(selector, apiLabels), $"{string.Join(',', selector)} misses the API pods");
            Assert.False(Selects(selector, migrateLabels), $"{string.Join(',', selector)} selects the migration Job's pod");
        }

        var apiPolicy = KubernetesManifests.Named<V1NetworkPolicy>("sequin-api");
        Assert.True(Selects(apiPolicy.Spec.PodSelector.MatchLabels, apiLabels) && Selects(apiPolicy.Spec.PodSelector.MatchLabels, migrateLabels));
        Assert.Contains(apiPolicy.Spec.Egress, rule => rule.To?.Any(p => Label(p.PodSelector?.MatchLabels, "cnpg.io/cluster") == ClusterName) == true
            && rule.Ports.Any(p => p.Port.Value == "5432"));
        var databasePolicy = KubernetesManifests.Named<V1NetworkPolicy>(ClusterName);
        Assert.Contains(databasePolicy.Spec.Ingress, rule => rule.FromProperty.Any(p => p.PodSelector?.MatchLabels is { } l && Selects(l, apiLabels) && Selects(l, migrateLabels)));
        Assert.Contains(databasePolicy.Spec.Ingress, rule => rule.Ports.Any(p => p.Port.Value == "8000")
            && rule.FromProperty.Any(p => Label(p.NamespaceSelector?.MatchLabels, "kubernetes.io/metadata.name") == "cnpg-system"));
    }

    [Fact]
    public void Every_manifest_in_the_operations_runbooks_parses_strictly()
    {
        var documents = Directory.EnumerateFiles(Path.Combine(Repository.Root, "docs", "operations"), "*.md")
            .SelectMany(file => YamlBlocks(File.ReadAllText(file)).Select(block => (File: KubernetesManifests.Relative(file), Block: block)))
            .ToList();

        Assert.NotEmpty(documents);
        foreach (var (file, block) in documents)
        {
            Assert.DoesNotContain(KubernetesManifests.Parse(block, file), r => r is V1Secret);
        }
        Assert.Contains(documents.SelectMany(d => KubernetesManifests.Parse(d.Block, d.File)).OfType<CnpgCluster>(),
            c => c.Spec.Bootstrap?.Recovery?.RecoveryTarget?.TargetTime is not null);
    }

    private static IEnumerable<string> YamlBlocks(string markdown)
    {
        var lines = markdown.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() != "```yaml")
            {
                continue;
            }
            var end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == "```");
            yield return string.Join('\n', lines[(i + 1)..end]);
            i = end;
        }
    }

    private static bool Selects(IDictionary<string, string> selector, IDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    private static string? Label(IDictionary<string, string>? labels, string key) =>
        labels is not null && labels.TryGetValue(key, out var value) ? value : null;

    private static string Value(V1Container container, string name) =>
        container.Env?.SingleOrDefault(e => e.Name == name)?.Value ?? throw new InvalidOperationException($"{container.Name} does not set {name}");

    private static IEnumerable<string> SecretsOf(V1Container container) =>
        (container.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef?.Name).OfType<string>();

    /// <summary>The secret a password of the form $(NAME) comes from.</summary>
    private static string? SecretBehind(V1Container container, string? password) =>
        password is not null && Reference.Match(password) is { Success: true } m
            ? container.Env.Single(e => e.Name == m.Groups[1].Value).ValueFrom?.SecretKeyRef?.Name
            : null;

    /// <summary>Parses a connection string as Npgsql will once Kubernetes has expanded its $(NAME)s (kept as they are here).</summary>
    private static NpgsqlConnectionStringBuilder ConnectionString(string? value, string what)
    {
        Assert.False(string.IsNullOrEmpty(value), $"{what}: no connection string");
        return new NpgsqlConnectionStringBuilder(value);
    }
}
