namespace CorralOS.Engine.Containers;

/// <summary>
/// Where a container's files are. Persistent ones under the data root, the OCI bundle and crun's state under the
/// exec root (both are rebuilt at each start).
/// <code>
/// DATA/containers/ID/config.json      the record (identity, image, merged create request)
/// DATA/containers/ID/state.json       the runtime state (status, pid, exit code, times)
/// DATA/containers/ID/ID-json.log      the json-file log
/// DATA/containers/ID/upper, work      the overlayfs upper layer (the container's own changes) and its workdir
/// DATA/containers/ID/rootfs           the overlay mount point while it runs
/// DATA/volumes/NAME/_data             named volumes
/// EXEC/containers/ID/config.json      the OCI runtime spec
/// EXEC/crun                           crun --root
/// </code>
/// </summary>
public sealed class ContainerLayout(string dataRoot, string execRoot)
{
    public string Containers { get; } = Path.Combine(Path.GetFullPath(dataRoot), "containers");

    public string Volumes { get; } = Path.Combine(Path.GetFullPath(dataRoot), "volumes");

    public string Bundles { get; } = Path.Combine(Path.GetFullPath(execRoot), "containers");

    public string RuntimeRoot { get; } = Path.Combine(Path.GetFullPath(execRoot), "crun");

    public string Dir(string id) => Path.Combine(Containers, id);

    public string RecordFile(string id) => Path.Combine(Dir(id), "config.json");

    public string StateFile(string id) => Path.Combine(Dir(id), "state.json");

    public string LogFile(string id) => Path.Combine(Dir(id), id + "-json.log");

    public string Upper(string id) => Path.Combine(Dir(id), "upper");

    public string Work(string id) => Path.Combine(Dir(id), "work");

    public string RootFs(string id) => Path.Combine(Dir(id), "rootfs");

    public string Bundle(string id) => Path.Combine(Bundles, id);

    public string Volume(string name) => Path.Combine(Volumes, name, "_data");

    public void Create()
    {
        foreach (var dir in new[] { Containers, Volumes, Bundles, RuntimeRoot })
        {
            Directory.CreateDirectory(dir);
        }
    }
}
