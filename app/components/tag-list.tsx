
export function TagList({ tags }: { tags: string[] }) {
  if (tags.length === 0) return null;
  return (
    <ul className="tag-list" aria-label="Tags">
      {tags.map((tag) => (
        <li key={tag}>
          <a className="tag" href={`/tags/${tag}`}>
            {tag}
          </a>
        </li>
      ))}
    </ul>
  );
}
