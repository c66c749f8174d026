/** The body clients of the predecessor send (the curl of README.md's quick start), and the one the tests post. */
export const acceptRequestExample = {
  notification_type: 'email',
  user_id: '550e8400-e29b-41d4-a716-446655440000',
  template_code: 'welcome_email',
  variables: {
    name: 'John Doe',
    email: 'john@example.com',
    link: 'https://example.com/verify',
    subject: 'Welcome to Our Platform',
  },
  request_id: 'req-12345-67890',
  priority: 10,
  metadata: {},
} as const;
