"""The pages behind links in emails: GET shows, only the POST from the page acts."""
