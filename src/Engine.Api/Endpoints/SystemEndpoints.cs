using System.Diagnostics;
using CorralOS.Engine.Api.Dtos;
using CorralOS.Engine.Containers;
using CorralOS.Engine.Host;
using CorralOS.Engine.Images;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CorralOS.Engine.Api.Endpoints;

/// <summary>/_ping, /version and /info.</summary>
public static class SystemEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, EngineOptions options, ImageStore store, ContainerStore containers, string engineId)
    {
        routes.MapMethods("/_ping", ["GET", "HEAD"], context =>
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache, no-store, must-revalidate";
            context.Response.Headers.Pragma = "no-cache";
            return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.WriteAsync("OK");
        });

        routes.MapGet("/version", context =>
        {
            var details = new Dictionary<string, string>
            {
                ["ApiVersion"] = ApiVersions.Current,
                ["MinAPIVersion"] = ApiVersions.Minimum,
                ["Os"] = "linux",
                ["Arch"] = HostFacts.GoArch,
                ["KernelVersion"] = HostFacts.KernelVersion,
                ["Experimental"] = "false",
                ["GoVersion"] = $".NET {Environment.Version}",
                ["GitCommit"] = "",
            };
            var version = new VersionResponse
            {
                Platform = new PlatformName($"CorralOS System Docker {options.Version}"),
                Components = [new ComponentVersion("Engine", options.Version, details)],
                Version = options.Version,
                ApiVersion = ApiVersions.Current,
                MinApiVersion = ApiVersions.Minimum,
                GoVersion = $".NET {Environment.Version}",
                Arch = HostFacts.GoArch,
                KernelVersion = HostFacts.KernelVersion,
            };
            return context.Response.WriteAsJsonAsync(version, ApiJson.Default.VersionResponse);
        });

        routes.MapGet("/info", context =>
        {
            var (osName, osVersion) = HostFacts.OperatingSystem;
            using var self = Process.GetCurrentProcess();
            var states = containers.List().Select(c => c.State).ToList();
            var info = new InfoResponse
            {
                Containers = states.Count,
                ContainersRunning = states.Count(s => s.Running),
                ContainersStopped = states.Count(s => !s.Running),
                Id = engineId,
                Images = store.Count,
                Driver = ImageViews.Driver,
                DriverStatus = [["Layers", store.Layout.Layers]],
                DockerRootDir = options.DataRoot,
                Debug = options.LogLevel <= Microsoft.Extensions.Logging.LogLevel.Debug,
                NFd = Directory.GetFileSystemEntries("/proc/self/fd").Length,
                NGoroutines = self.Threads.Count,
                SystemTime = ImageViews.Rfc3339(DateTimeOffset.UtcNow),
                CgroupVersion = HostFacts.CgroupVersion,
                KernelVersion = HostFacts.KernelVersion,
                OperatingSystem = osName,
                OsVersion = osVersion,
                Architecture = HostFacts.Machine,
                NCpu = Environment.ProcessorCount,
                MemTotal = HostFacts.MemTotal,
                Name = HostFacts.HostName,
                ServerVersion = options.Version,
            };
            return context.Response.WriteAsJsonAsync(info, ApiJson.Default.InfoResponse);
        });
    }
}
