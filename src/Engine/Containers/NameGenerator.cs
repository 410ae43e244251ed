using System.Security.Cryptography;

namespace CorralOS.Engine.Containers;

/// <summary>Docker-style adjective_noun names for containers created without one.</summary>
internal static class NameGenerator
{
    private static readonly string[] s_left = ["brave", "calm", "eager", "fond", "gentle", "happy", "keen", "lucid", "merry", "nifty", "proud", "quiet", "sharp", "steady", "tender", "vivid", "witty", "zealous"];
    private static readonly string[] s_right = ["bison", "colt", "coyote", "drover", "filly", "heifer", "lasso", "mare", "mustang", "pony", "rancher", "saddle", "spur", "stallion", "steer", "wrangler"];

    public static string Generate(Func<string, bool> taken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var name = $"{s_left[RandomNumberGenerator.GetInt32(s_left.Length)]}_{s_right[RandomNumberGenerator.GetInt32(s_right.Length)]}";
            if (attempt > 10)
            {
                name += RandomNumberGenerator.GetInt32(1000);
            }
            if (!taken(name))
            {
                return name;
            }
        }
    }
}
