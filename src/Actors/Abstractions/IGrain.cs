namespace Kms.Actors;

/// <summary>Marker interface for grain interfaces. Methods must return <see cref="Task"/>, <see cref="Task{TResult}"/>,
/// <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>, with JSON-serializable parameters and results.</summary>
public interface IGrain;

/// <summary>Marker interface for grains identified by a string key (the only key kind in v1).</summary>
public interface IGrainWithStringKey : IGrain;
