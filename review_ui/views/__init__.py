"""What each page shows, gathered from the database: no HTTP, no templates."""
