using CorralOS.Engine.Api.Dtos;
using CorralOS.Engine.Volumes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CorralOS.Engine.Api.Endpoints;

/// <summary>/volumes: list and inspect the local volumes (named ones and the anonymous ones containers made).</summary>
public static class VolumeEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, VolumeStore volumes)
    {
        routes.MapGet("/volumes", context =>
            context.Response.WriteAsJsonAsync(new VolumeList { Volumes = volumes.List().Select(View).ToList() }, ApiJson.Default.VolumeList));

        routes.MapGet("/volumes/{name}", context =>
            context.Response.WriteAsJsonAsync(View(volumes.Get((string)context.Request.RouteValues["name"]!)), ApiJson.Default.VolumeView));
    }

    private static VolumeView View(VolumeInfo volume) => new()
    {
        Name = volume.Name,
        Mountpoint = volume.Mountpoint,
        CreatedAt = ImageViews.Rfc3339(new DateTimeOffset(volume.CreatedAt, TimeSpan.Zero)),
    };
}
