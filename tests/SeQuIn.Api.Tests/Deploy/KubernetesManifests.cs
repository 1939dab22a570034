using k8s;
using k8s.Models;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Deploy;

/// <summary>One YAML document of deploy/kubernetes, and the file (relative to the repository) it came from.</summary>
public sealed record Manifest(string File, object Resource);

/// <summary>
/// Every YAML document under deploy/kubernetes, parsed strictly: built-in kinds into KubernetesClient's models
/// (generated from the Kubernetes API's OpenAPI schema), custom kinds into the strict models of CustomResourceModels.cs. A field
/// the model does not know, a duplicate key, a wrong type or an unknown apiVersion/kind fails the parse. The files a
/// kustomization lists under resources are the objects; those under patches are partial and checked apart.
/// </summary>
public static class KubernetesManifests
{
    public static string Directory { get; } = Path.Combine(Repository.Root, "deploy", "kubernetes");

    public static readonly IReadOnlyDictionary<string, Type> CustomKinds = new Dictionary<string, Type>
    {
        ["kustomize.config.k8s.io/v1beta1/Kustomization"] = typeof(Kustomization),
        ["postgresql.cnpg.io/v1/Cluster"] = typeof(CnpgCluster),
        ["postgresql.cnpg.io/v1/ScheduledBackup"] = typeof(CnpgScheduledBackup),
        ["barmancloud.cnpg.io/v1/ObjectStore"] = typeof(BarmanObjectStore),
    };

    private static readonly Lazy<Loaded> Contents = new(Load);

    /// <summary>Every file's documents: kustomizations, resources and patches.</summary>
    public static IReadOnlyList<Manifest> All => Contents.Value.All;

    /// <summary>The objects the kustomizations put on a cluster (before any overlay patch).</summary>
    public static IReadOnlyList<Manifest> Resources => Contents.Value.Resources;

    /// <summary>The overlays' patches (partial objects).</summary>
    public static IReadOnlyList<Manifest> Patches => Contents.Value.Patches;

    public static IEnumerable<T> ResourcesOf<T>() => Resources.Select(m => m.Resource).OfType<T>();

    public static T Single<T>() => Assert.Single(ResourcesOf<T>());

    public static T Named<T>(string name) where T : class =>
        ResourcesOf<T>().SingleOrDefault(r => NameOf(r) == name) ?? throw new InvalidOperationException($"No {typeof(T).Name} named {name} in deploy/kubernetes.");

    public static string? NameOf(object resource) => resource switch
    {
        IMetadata<V1ObjectMeta> k8s => k8s.Metadata?.Name,
        CnpgCluster c => c.Metadata.Name,
        CnpgScheduledBackup s => s.Metadata.Name,
        BarmanObjectStore o => o.Metadata.Name,
        _ => null,
    };

    /// <summary>Parses YAML documents strictly, naming the source in any failure.</summary>
    public static List<object> Parse(string yaml, string source)
    {
        try
        {
            return KubernetesYaml.LoadAllFromString(yaml, new Dictionary<string, Type>(CustomKinds), strict: true);
        }
        catch (Exception exception) when (exception is YamlDotNet.Core.YamlException or KeyNotFoundException)
        {
            throw new InvalidDataException($"{source}: not a valid manifest of a known kind: {exception.Message} {exception.InnerException?.Message}", exception);
        }
    }

    /// <summary>Every .yaml file under deploy/kubernetes, relative to the repository root with forward slashes.</summary>
    public static IReadOnlyList<string> Files() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Select(Relative).Order(StringComparer.Ordinal).ToList();

    public static string Relative(string path) => Path.GetRelativePath(Repository.Root, path).Replace('\\', '/');

    private sealed record Loaded(List<Manifest> All, List<Manifest> Resources, List<Manifest> Patches);

    private static Loaded Load()
    {
        var all = Files().SelectMany(file => Parse(File.ReadAllText(Path.Combine(Repository.Root, file)), file).Select(r => new Manifest(file, r))).ToList();
        var resourceFiles = new HashSet<string>(StringComparer.Ordinal);
        var patchFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (file, kustomization) in Kustomizations(all))
        {
            var directory = Path.GetDirectoryName(file)!;
            foreach (var entry in kustomization.Resources ?? [])
            {
                var target = Normalise(Path.Combine(directory, entry));
                if (!System.IO.Directory.Exists(Path.Combine(Repository.Root, target)))
                {
                    resourceFiles.Add(target);
                }
            }
            patchFiles.UnionWith((kustomization.Patches ?? []).Select(p => Normalise(Path.Combine(directory, p.Path))));
        }
        return new Loaded(all, all.Where(m => resourceFiles.Contains(m.File)).ToList(), all.Where(m => patchFiles.Contains(m.File)).ToList());
    }

    public static IEnumerable<(string File, Kustomization Kustomization)> Kustomizations(IEnumerable<Manifest>? manifests = null) =>
        (manifests ?? All).Where(m => m.Resource is Kustomization).Select(m => (m.File, (Kustomization)m.Resource));

    /// <summary>"deploy/kubernetes/overlays/example/../../base" as "deploy/kubernetes/base".</summary>
    public static string Normalise(string relative) =>
        Relative(Path.GetFullPath(Path.Combine(Repository.Root, relative)));

    /// <summary>The pod templates of the workloads, by workload.</summary>
    public static IEnumerable<(string Workload, V1PodTemplateSpec Template)> PodTemplates() =>
        ResourcesOf<V1Deployment>().Select(d => ($"Deployment {d.Metadata.Name}", d.Spec.Template))
            .Concat(ResourcesOf<V1Job>().Select(j => ($"Job {j.Metadata.Name}", j.Spec.Template)));
}
