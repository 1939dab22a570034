using System.Net;
using System.Text.RegularExpressions;
using k8s.Models;
using SeQuIn.Api.Tests.Infrastructure;

namespace SeQuIn.Api.Tests.Deploy;

/// <summary>The Deployment's probes against the service itself: the paths it answers, on the port its image listens on.</summary>
public sealed class KubernetesProbeTests(SeQuInApiFixture fixture) : ApiTest(fixture)
{
    [Fact]
    public async Task The_probes_ask_paths_the_service_answers_on_the_port_it_listens_on()
    {
        var container = Assert.Single(KubernetesManifests.Named<V1Deployment>("sequin-api").Spec.Template.Spec.Containers);

        Assert.Equal("/health/live", container.StartupProbe.HttpGet.Path);
        Assert.Equal("/health/live", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("/health/ready", container.ReadinessProbe.HttpGet.Path);
        foreach (var probe in new[] { container.StartupProbe, container.LivenessProbe, container.ReadinessProbe })
        {
            var response = await Anonymous.GetAsync(probe.HttpGet.Path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{probe.HttpGet.Path} answered {(int)response.StatusCode}");
            Assert.Equal(ImagePort(), PortNumber(container, probe.HttpGet.Port.Value));
        }
        var service = KubernetesManifests.Named<V1Service>("sequin-api");
        Assert.Equal(ImagePort(), PortNumber(container, Assert.Single(service.Spec.Ports).TargetPort.Value));
    }

    private static int PortNumber(V1Container container, string port) =>
        int.TryParse(port, out var number) ? number : Assert.Single(container.Ports, p => p.Name == port).ContainerPort;

    /// <summary>The port the image serves on: ASPNETCORE_HTTP_PORTS in deploy/Dockerfile.</summary>
    private static int ImagePort()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "Dockerfile"));
        var match = Regex.Match(dockerfile, "ASPNETCORE_HTTP_PORTS=([0-9]+)", RegexOptions.NonBacktracking);
        Assert.True(match.Success, "deploy/Dockerfile does not set ASPNETCORE_HTTP_PORTS");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
