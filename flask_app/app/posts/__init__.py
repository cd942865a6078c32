"""Posts: the public list, a post's page, and writing one's own posts."""
