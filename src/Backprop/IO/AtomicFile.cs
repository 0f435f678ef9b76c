namespace Backprop.IO;

/// <summary>Writes a file so that readers (and a crash) see either the old contents or the complete new ones.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Runs write on a fresh temporary file in the destination's directory, flushes it to the disk, then renames it
    /// over path (a rename within one directory is atomic on POSIX and NTFS). If anything fails, the temporary file
    /// is deleted and the previous file at path is left untouched.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory", nameof(path));
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); }
            catch (IOException) { }                  // the original exception is the one worth reporting
            catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
